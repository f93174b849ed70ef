// RFC 3464 delivery status notifications: a multipart/report (RFC 6522) with report-type
// delivery-status, holding (1) a text/plain explanation, (2) message/delivery-status with the
// per-message and per-recipient fields, and (3) the returned message: the whole of it as
// message/rfc822, or only its header as text/rfc822-headers (RFC 3461 §4.3 RET=HDRS, or when the
// message is larger than the configured limit).
import { foldHeaderField } from '../../security/mailauth/fold-header-field.ts'

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded'

export interface DsnRecipient {
  /** The address we tried (RFC 3464 §2.3.2 Final-Recipient). */
  finalRecipient: string
  /** RFC 3461 §4.2 ORCPT as received (RFC 3464 §2.3.1 Original-Recipient). */
  originalRecipient: { addrType: string; value: string } | null
  action: DsnAction
  /** RFC 3463 enhanced status, e.g. '5.1.1'. */
  status: string
  /** Host that answered (RFC 3464 §2.3.5 Remote-MTA). */
  remoteMta: string | null
  /** RFC 3464 §2.3.6: the SMTP reply (code + text) when there was one, else our own words. */
  diagnostic: { code: number | null; text: string } | null
  lastAttemptDate: Date | null
  /** For 'delayed' (RFC 3464 §2.3.9): when we give up. */
  willRetryUntil: Date | null
}

export interface DsnInput {
  /** Our host name (RFC 3464 §2.2.2 Reporting-MTA). */
  reportingMta: string
  /** The envelope sender of the original message; the DSN goes there. */
  to: string
  /** RFC 3461 §4.4 ENVID of the original transaction (RFC 3464 §2.2.1). */
  envid: string | null
  arrivalDate: Date
  date: Date
  /** Message-ID of the DSN itself, with angle brackets. */
  messageId: string
  recipients: readonly DsnRecipient[]
  /** The original message (as queued), or null when it is gone. */
  original: Uint8Array | null
  /** What of it to return. */
  returnContent: 'full' | 'headers'
}

const encoder = new TextEncoder()
const CRLF = '\r\n'

/** Header fields in DSNs carry remote text: no control characters (header injection), bounded length. */
const clean = (s: string, max = 900) =>
  s
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)

/** RFC 5322 §3.3 date-time in UTC. */
const rfc5322Date = (d: Date) => d.toUTCString().replace('GMT', '+0000')

/** A folded field without its final CRLF (the callers join fields). */
const field = (name: string, value: string) => foldHeaderField(`${name}: ${value}`).slice(0, -2)

/** RFC 3464 §2.3.1: `rfc822; address` (utf-8 when the address needs it, RFC 6533 §3). */
const addressType = (address: string) => (/[^\x00-\x7f]/.test(address) ? 'utf-8' : 'rfc822')

const SUBJECTS: Record<DsnAction, string> = {
  failed: 'Undelivered Mail Returned to Sender',
  delayed: 'Delayed Mail (still being retried)',
  delivered: 'Successful Mail Delivery Report',
  relayed: 'Successful Mail Delivery Report',
  expanded: 'Successful Mail Delivery Report',
}

/** The header section of a message (up to and including the blank line), or all of it without one. */
export function headerSection(message: Uint8Array): Uint8Array {
  for (let i = 0; i + 1 < message.length; i++) {
    if (message[i] !== 0x0a) continue
    if (message[i + 1] === 0x0a) return message.subarray(0, i + 2)
    if (message[i + 1] === 0x0d && message[i + 2] === 0x0a) return message.subarray(0, i + 3)
  }
  return message
}

function explanation(input: DsnInput): string {
  const lines = [`This is the mail system at host ${input.reportingMta}.`, '']
  const failed = input.recipients.filter(r => r.action === 'failed')
  const delayed = input.recipients.filter(r => r.action === 'delayed')
  const done = input.recipients.filter(r => r.action !== 'failed' && r.action !== 'delayed')
  if (failed.length > 0)
    lines.push(
      'I am sorry to have to inform you that your message could not be delivered to one or more',
      'recipients. It is attached below.',
      '',
      ...failed.map(r => `<${r.finalRecipient}>: ${clean(r.diagnostic?.text ?? r.status)}`),
      '',
    )
  if (delayed.length > 0)
    lines.push(
      'Your message could not be delivered yet to the recipients below. The mail system will keep',
      `trying${delayed[0]?.willRetryUntil ? ` until ${delayed[0].willRetryUntil.toUTCString()}` : ''}; you do not need to resend it.`,
      '',
      ...delayed.map(r => `<${r.finalRecipient}>: ${clean(r.diagnostic?.text ?? r.status)}`),
      '',
    )
  if (done.length > 0)
    lines.push(
      'Your message was successfully delivered to the destination(s) listed below.',
      '',
      ...done.map(r => `<${r.finalRecipient}>: ${r.action}${r.remoteMta ? ` to ${r.remoteMta}` : ''}`),
      '',
    )
  return lines.join(CRLF)
}

function diagnosticCode(d: NonNullable<DsnRecipient['diagnostic']>, status: string): string {
  // RFC 3464 §2.3.6: "smtp" diagnostic-type for a reply the remote sent; our own words otherwise.
  if (d.code !== null) {
    const text = clean(d.text)
    const withStatus = text.startsWith(status) ? text : `${status} ${text}`
    const withCode = text.startsWith(String(d.code)) ? text : `${d.code} ${withStatus}`
    return `smtp; ${withCode}`
  }
  return `X-Mail-Server; ${clean(d.text)}`
}

function deliveryStatus(input: DsnInput): string {
  const groups: string[][] = [
    [
      field('Reporting-MTA', `dns; ${input.reportingMta}`),
      ...(input.envid ? [field('Original-Envelope-Id', clean(input.envid, 200))] : []),
      field('Arrival-Date', rfc5322Date(input.arrivalDate)),
    ],
  ]
  for (const r of input.recipients) {
    groups.push([
      ...(r.originalRecipient
        ? [field('Original-Recipient', `${r.originalRecipient.addrType}; ${clean(r.originalRecipient.value, 300)}`)]
        : []),
      field('Final-Recipient', `${addressType(r.finalRecipient)}; ${r.finalRecipient}`),
      field('Action', r.action),
      field('Status', r.status),
      ...(r.remoteMta ? [field('Remote-MTA', `dns; ${clean(r.remoteMta, 255)}`)] : []),
      ...(r.diagnostic ? [field('Diagnostic-Code', diagnosticCode(r.diagnostic, r.status))] : []),
      ...(r.lastAttemptDate ? [field('Last-Attempt-Date', rfc5322Date(r.lastAttemptDate))] : []),
      ...(r.willRetryUntil ? [field('Will-Retry-Until', rfc5322Date(r.willRetryUntil))] : []),
    ])
  }
  return `${groups.map(g => g.join(CRLF)).join(CRLF + CRLF)}${CRLF}`
}

const boundaryFor = (messageId: string) => `=_dsn_${messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`

/** The complete DSN message (header and body), CRLF line endings. */
export function buildDsn(input: DsnInput): Uint8Array {
  if (input.recipients.length === 0) throw new Error('a DSN needs at least one recipient')
  const action = input.recipients.some(r => r.action === 'failed')
    ? 'failed'
    : input.recipients.some(r => r.action === 'delayed')
      ? 'delayed'
      : 'delivered'
  const boundary = boundaryFor(input.messageId)
  const header = [
    field('From', `Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`),
    field('To', `<${input.to}>`),
    field('Subject', SUBJECTS[action]),
    field('Date', rfc5322Date(input.date)),
    field('Message-ID', input.messageId),
    // RFC 3834 §5: automatic responses say so, so auto-responders do not answer them.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    field('Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`),
  ].join(CRLF)
  const original = input.original
  const returned =
    original === null
      ? null
      : input.returnContent === 'full'
        ? { type: 'message/rfc822', body: original }
        : { type: 'text/rfc822-headers', body: headerSection(original) }
  const parts: (string | Uint8Array)[] = [
    `${header}${CRLF}${CRLF}This is a MIME-encapsulated message.${CRLF}${CRLF}`,
    `--${boundary}${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}Content-Description: Notification${CRLF}`,
    `Content-Transfer-Encoding: 8bit${CRLF}${CRLF}${explanation(input)}${CRLF}`,
    `--${boundary}${CRLF}Content-Type: message/delivery-status${CRLF}Content-Description: Delivery report${CRLF}${CRLF}`,
    `${deliveryStatus(input)}${CRLF}`,
  ]
  if (returned) {
    const description = returned.type === 'message/rfc822' ? 'Undelivered Message' : 'Undelivered Message Headers'
    parts.push(
      `--${boundary}${CRLF}Content-Type: ${returned.type}${CRLF}Content-Description: ${description}${CRLF}${CRLF}`,
      returned.body,
      endsWithNewline(returned.body) ? '' : CRLF,
    )
  }
  parts.push(`${CRLF}--${boundary}--${CRLF}`)
  const chunks = parts.map(p => (typeof p === 'string' ? encoder.encode(p) : p))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const endsWithNewline = (b: Uint8Array) => b.length > 0 && b[b.length - 1] === 0x0a
