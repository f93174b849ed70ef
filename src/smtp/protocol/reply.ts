// Reply values and their wire form (RFC 5321 §4.2): one builder, so every reply line has the same
// shape and no text from the outside world can add a line of its own.
import { REPLY_CODES, type ReplyName } from './reply-codes.ts'

export interface SmtpReply {
  /** Basic reply code, 200..599. */
  readonly code: number
  /** RFC 3463 enhanced code, or null where none may be sent (see reply-codes.ts). */
  readonly enhanced: string | null
  /** One entry per reply line; several make a multi-line reply. */
  readonly lines: readonly string[]
}

export interface FormatReplyOptions {
  /**
   * Put the enhanced code in front of each line's text (RFC 2034 §3). Default true; the session may
   * turn it off for a client that never saw ENHANCEDSTATUSCODES (HELO).
   */
  enhancedCodes?: boolean
  /** Keep non-ASCII text (RFC 6531 §3.7.4.2: only in an SMTPUTF8 transaction). Default false: `?`. */
  utf8?: boolean
}

// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the code and CRLF.
export const MAX_REPLY_LINE_OCTETS = 512

/** HT and printable ASCII only: the text a reply line may carry unchanged (RFC 5321 §4.2). */
const SAFE_ASCII = /^[\t\x20-\x7e]*$/

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/

/** A reply with explicit codes. Throws RangeError on a malformed code pair (a programming error). */
export function buildReply(code: number, enhanced: string | null, text: string | readonly string[]): SmtpReply {
  if (!Number.isInteger(code) || code < 200 || code > 599) throw new RangeError(`invalid SMTP reply code ${code}`)
  if (enhanced !== null) {
    const match = ENHANCED.exec(enhanced)
    // RFC 3463 §2: the class digit of the enhanced code matches the first digit of the basic code.
    if (match === null || match[1] !== String(code)[0]) {
      throw new RangeError(`enhanced code ${enhanced} does not fit reply code ${code}`)
    }
  }
  const lines = typeof text === 'string' ? [text] : text.length === 0 ? [''] : [...text]
  return { code, enhanced, lines }
}

/** A reply from the standard table, optionally with more specific text. */
export function standardReply(name: ReplyName, text?: string | readonly string[]): SmtpReply {
  const template = REPLY_CODES[name]
  if (text !== undefined) return buildReply(template.code, template.enhanced, text)
  // Replies are immutable values: the table's own texts are built (and checked) once.
  let reply = STANDARD_REPLIES.get(name)
  if (reply === undefined) {
    reply = Object.freeze(buildReply(template.code, template.enhanced, template.text))
    STANDARD_REPLIES.set(name, reply)
  }
  return reply
}

const STANDARD_REPLIES = new Map<ReplyName, SmtpReply>()

/**
 * Make text safe for one reply line. RFC 5321 §4.2 textstring is HT and printable characters:
 * CR and LF become spaces (no reply-line or command injection from addresses, host names or
 * parameters echoed back), other control characters become `?`, and so does non-ASCII unless
 * `utf8` is set.
 */
export function sanitizeReplyText(text: string, utf8 = false): string {
  // Nearly every reply is plain ASCII text already; checking that is far cheaper than rebuilding it.
  if (SAFE_ASCII.test(text)) return text
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp === 0x0d || cp === 0x0a) out += ' '
    else if (cp === 0x09 || (cp >= 0x20 && cp < 0x7f)) out += ch
    else if (cp >= 0x80 && utf8 && !(cp >= 0x80 && cp < 0xa0) && !(cp >= 0xd800 && cp <= 0xdfff)) out += ch
    else out += '?'
  }
  return out
}

/** Wire form: `250-first\r\n250 last\r\n`, enhanced code on every line (RFC 2034 §3). */
export function formatReply(reply: SmtpReply, options: FormatReplyOptions = {}): string {
  const withEnhanced = (options.enhancedCodes ?? true) && reply.enhanced !== null
  const lines = reply.lines.length === 0 ? [''] : reply.lines
  let out = ''
  lines.forEach((raw, i) => {
    const separator = i === lines.length - 1 ? ' ' : '-'
    const prefix = `${reply.code}${separator}${withEnhanced ? `${reply.enhanced} ` : ''}`
    const text = truncateOctets(
      sanitizeReplyText(raw, options.utf8 ?? false),
      MAX_REPLY_LINE_OCTETS - 2 - prefix.length,
    )
    out += `${prefix}${text}\r\n`
  })
  return out
}

/** The UTF-8 bytes of formatReply(). */
export function encodeReply(reply: SmtpReply, options: FormatReplyOptions = {}): Uint8Array {
  return new TextEncoder().encode(formatReply(reply, options))
}

/** Cut a string to at most `max` UTF-8 octets without splitting a character. */
function truncateOctets(text: string, max: number): string {
  // At most one octet per UTF-16 unit for ASCII: a short ASCII string fits as it is.
  if (text.length <= max && SAFE_ASCII.test(text)) return text
  let octets = 0
  let end = 0
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    if (octets + size > max) return text.slice(0, end)
    octets += size
    end += ch.length
  }
  return text
}
