// The domain of the message's author (RFC 5322 §3.6.2 From:), which DMARC aligns the DKIM d= with
// (RFC 7489 §3.1.1). Only the header section is read; folded lines are unfolded (RFC 5322 §2.2.3).
import { recipientDomain } from '../queue/recipient-domain.ts'

const decoder = new TextDecoder()
const LF = 0x0a
const CR = 0x0d
/** Header sections larger than this are cut: From: is never that far down in real mail. */
const MAX_HEADER_BYTES = 256 * 1024

/** Unfolded header fields (name lower-cased) of a message, in order. */
export function headerFields(message: Uint8Array): { name: string; value: string }[] {
  // Only the header section is decoded: the end is found on the bytes (native search), so the body
  // is neither decoded nor scanned by a regex (it was, for every attempt, up to 256 KiB).
  const section = decoder.decode(message.subarray(0, headerSectionEnd(message)))
  const fields: { name: string; value: string }[] = []
  for (const line of section.split(/\r?\n/)) {
    const last = fields[fields.length - 1]
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.value += ` ${line.trim()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() })
  }
  return fields
}

/** Offset of the line end before the empty line that ends the header section (capped at MAX_HEADER_BYTES). */
function headerSectionEnd(message: Uint8Array): number {
  const limit = Math.min(message.length, MAX_HEADER_BYTES)
  const bytes = Buffer.from(message.buffer, message.byteOffset, limit)
  // The first LF followed by an empty line (LF, or CR LF): the blank line that ends the header.
  for (let lf = bytes.indexOf(LF); lf >= 0 && lf + 1 < limit; lf = bytes.indexOf(LF, lf + 1)) {
    const next = bytes[lf + 1]
    if (next === LF || (next === CR && bytes[lf + 2] === LF)) return lf > 0 && bytes[lf - 1] === CR ? lf - 1 : lf
  }
  return limit
}

/** Lower-case A-label domain of the first From: address, or null when there is none. */
export function authorDomain(message: Uint8Array): string | null {
  const from = headerFields(message).find(f => f.name === 'from')?.value
  if (!from) return null
  // `Name <a@b>` or a bare `a@b`; comments and quoted display names may contain '@' too, so the
  // angle-bracketed form wins when present.
  const angle = /<([^<>]*@[^<>]*)>/.exec(from)?.[1]
  const bare = /([^\s<>",;:()]+@[^\s<>",;:()]+)/.exec(from)?.[1]
  const address = angle ?? bare
  if (!address) return null
  const domain = recipientDomain(address)
  return domain === '' ? null : domain
}

/** The Message-ID field value with its angle brackets, or null. */
export function messageIdOf(message: Uint8Array): string | null {
  const value = headerFields(message).find(f => f.name === 'message-id')?.value
  const id = value ? /<[^<>\s]+>/.exec(value)?.[0] : undefined
  return id ?? null
}
