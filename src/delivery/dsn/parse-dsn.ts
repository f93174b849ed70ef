// Recognising a delivery status notification another MTA sent back (RFC 3464, RFC 6522): a
// multipart/report with report-type=delivery-status. Returns the per-message and per-recipient
// fields we record against our queue entry, and the Message-ID of the returned original (from the
// message/rfc822 or text/rfc822-headers part) that the entry is found by.
import { headerFields, messageIdOf } from '../dkim/author-domain.ts'

export interface ParsedDsnRecipient {
  /** Address from Final-Recipient (RFC 3464 §2.3.2), address-type removed. */
  finalRecipient: string
  originalRecipient: string | null
  action: string
  status: string
  diagnostic: string | null
  remoteMta: string | null
}

export interface ParsedDsn {
  reportingMta: string | null
  envid: string | null
  recipients: ParsedDsnRecipient[]
  /** Message-ID of the returned original message, with angle brackets. */
  originalMessageId: string | null
}

const encoder = new TextEncoder()

/** Cheap check on the top-level Content-Type before a full MIME parse. */
export function looksLikeDsn(message: Uint8Array): boolean {
  const type = headerFields(message).find(f => f.name === 'content-type')?.value ?? ''
  return /^multipart\/report\b/i.test(type) && /report-type\s*=\s*"?delivery-status"?/i.test(type)
}

/**
 * RFC 3464 §2.1: the delivery-status body is groups of header-style fields separated by blank
 * lines; the first group is per-message, each later one per-recipient. Field names are
 * case-insensitive; folded lines continue with white space.
 */
export function parseDeliveryStatus(text: string): Map<string, string>[] {
  const groups: Map<string, string>[] = []
  let current: Map<string, string> | null = null
  let last: string | null = null
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = null
      last = null
      continue
    }
    if (/^[ \t]/.test(line) && current && last) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    if (!current) {
      current = new Map()
      groups.push(current)
    }
    last = line.slice(0, colon).trim().toLowerCase()
    current.set(last, line.slice(colon + 1).trim())
  }
  return groups
}

/** `rfc822; a@b` → `a@b` (RFC 3464 §2.3.2 address-type ";" generic-address). */
const withoutType = (value: string | undefined): string | null => {
  if (value === undefined) return null
  const semi = value.indexOf(';')
  const address = (semi < 0 ? value : value.slice(semi + 1)).trim()
  return address.replace(/^<(.*)>$/, '$1') || null
}

const decode = (content: ArrayBuffer | Uint8Array | string): string =>
  typeof content === 'string' ? content : new TextDecoder().decode(content)

/** Null when the message is not a delivery-status report or has no per-recipient fields. */
export async function parseDsn(message: Uint8Array): Promise<ParsedDsn | null> {
  if (!looksLikeDsn(message)) return null
  // Loaded here, not at import: the SMTP pipeline imports looksLikeDsn() and pays only for reports.
  const { default: PostalMime } = await import('postal-mime')
  let parsed: Awaited<ReturnType<typeof PostalMime.parse>>
  try {
    parsed = await PostalMime.parse(message)
  } catch {
    return null
  }
  const status = parsed.attachments.find(a => /^message\/(?:global-)?delivery-status$/i.test(a.mimeType))
  if (!status) return null
  const [perMessage, ...perRecipient] = parseDeliveryStatus(decode(status.content))
  const recipients: ParsedDsnRecipient[] = []
  for (const group of perRecipient) {
    const finalRecipient = withoutType(group.get('final-recipient'))
    const action = group.get('action')?.toLowerCase()
    if (!finalRecipient || !action) continue
    recipients.push({
      finalRecipient,
      originalRecipient: withoutType(group.get('original-recipient')),
      action,
      status: group.get('status') ?? '',
      diagnostic: group.get('diagnostic-code') ?? null,
      remoteMta: withoutType(group.get('remote-mta')),
    })
  }
  if (recipients.length === 0) return null
  const returned = parsed.attachments.find(a =>
    /^(?:message\/(?:rfc822|global)|text\/rfc822-headers|message\/global-headers)$/i.test(a.mimeType),
  )
  return {
    reportingMta: withoutType(perMessage?.get('reporting-mta')),
    envid: perMessage?.get('original-envelope-id') ?? null,
    recipients,
    originalMessageId: returned ? messageIdOf(encoder.encode(decode(returned.content))) : null,
  }
}
