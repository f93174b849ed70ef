// Mailbox names on the wire. Without UTF8=ACCEPT they are 7-bit, with non-ASCII characters in
// modified UTF-7 (RFC 3501 §5.1.3): printable US-ASCII stands for itself, "&" is "&-", anything
// else is "&" + modified base64 ("," for "/", no padding) of UTF-16BE + "-". Once UTF8=ACCEPT
// (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §5.1) is enabled, names are raw UTF-8 and "&" is just "&".
import { type ParseResult, parseFailure, parsed } from './parse-result.ts'

const AMPERSAND = 0x26
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,'
const B64_VALUE = new Map([...B64].map((c, i) => [c.charCodeAt(0), i]))
const isPrintableAscii = (c: number) => c >= 0x20 && c <= 0x7e

export function decodeModifiedUtf7(text: string): ParseResult<string> {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (!isPrintableAscii(c))
      return parseFailure(`Invalid character 0x${c.toString(16)} in modified UTF-7 mailbox name`)
    if (c !== AMPERSAND) {
      out += text[i]
      i++
      continue
    }
    const end = text.indexOf('-', i + 1)
    if (end < 0) return parseFailure(`Unterminated "&" sequence in modified UTF-7 mailbox name "${text}"`)
    if (end === i + 1) out += '&'
    else {
      const decoded = decodeShifted(text.slice(i + 1, end))
      if (!decoded.ok) return parseFailure(`${decoded.error} in mailbox name "${text}"`)
      out += decoded.value
    }
    i = end + 1
  }
  return parsed(out)
}

/** The modified base64 between "&" and "-", as UTF-16. */
function decodeShifted(b64: string): ParseResult<string> {
  const bytes: number[] = []
  let bits = 0
  let bitCount = 0
  for (let i = 0; i < b64.length; i++) {
    const value = B64_VALUE.get(b64.charCodeAt(i))
    if (value === undefined) return parseFailure(`Invalid modified base64 character "${b64[i]}"`)
    bits = (bits << 6) | value
    bitCount += 6
    if (bitCount >= 8) {
      bitCount -= 8
      bytes.push((bits >> bitCount) & 0xff)
      bits &= (1 << bitCount) - 1
    }
  }
  // RFC 4648 §3.5-style canonical form: unused trailing bits are zero and whole UTF-16 units.
  if (bitCount >= 6 || bits !== 0) return parseFailure('Invalid modified base64 padding')
  if (bytes.length % 2 !== 0) return parseFailure('Modified base64 does not hold whole UTF-16 characters')
  let out = ''
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = ((bytes[i] as number) << 8) | (bytes[i + 1] as number)
    if (isPrintableAscii(unit))
      return parseFailure(`Printable ASCII "${String.fromCharCode(unit)}" must not be base64-encoded`)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = i + 3 < bytes.length ? ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number) : -1
      if (low < 0xdc00 || low > 0xdfff) return parseFailure('Unpaired UTF-16 surrogate')
      out += String.fromCharCode(unit, low)
      i += 2
      continue
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return parseFailure('Unpaired UTF-16 surrogate')
    out += String.fromCharCode(unit)
  }
  return parsed(out)
}

export function encodeModifiedUtf7(name: string): string {
  let out = ''
  let i = 0
  while (i < name.length) {
    const c = name.charCodeAt(i)
    if (isPrintableAscii(c)) {
      out += c === AMPERSAND ? '&-' : name[i]
      i++
      continue
    }
    const bytes: number[] = []
    while (i < name.length && !isPrintableAscii(name.charCodeAt(i))) {
      const unit = name.charCodeAt(i)
      bytes.push(unit >> 8, unit & 0xff)
      i++
    }
    out += `&${encodeShifted(bytes)}-`
  }
  return out
}

function encodeShifted(bytes: number[]): string {
  let out = ''
  let bits = 0
  let bitCount = 0
  for (const byte of bytes) {
    bits = (bits << 8) | byte
    bitCount += 8
    while (bitCount >= 6) {
      bitCount -= 6
      out += B64[(bits >> bitCount) & 0x3f]
      bits &= (1 << bitCount) - 1
    }
  }
  if (bitCount > 0) out += B64[(bits << (6 - bitCount)) & 0x3f]
  return out
}

/** RFC 9051 §5.1: the name INBOX is case-insensitive; every other name is case-sensitive. */
export function normalizeInbox(name: string): string {
  return name.length === 5 && name.toUpperCase() === 'INBOX' ? 'INBOX' : name
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })
const ascii = new TextDecoder('ascii')

/** Longest name accepted, in bytes as sent: far beyond real names, small enough to stay cheap. */
export const MAX_MAILBOX_NAME_BYTES = 4096
// C0 controls, DEL and C1 controls: not allowed in Net-Unicode names (RFC 5198 §2, RFC 9051 §5.1).
// biome-ignore lint: control characters are the point here
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * A mailbox name (or LIST pattern) as sent by the client, decoded to Unicode with INBOX
 * normalised. `utf8Accept`: UTF8=ACCEPT or IMAP4rev2 is enabled.
 */
export function decodeMailboxName(bytes: Uint8Array, utf8Accept: boolean): ParseResult<string> {
  if (bytes.length > MAX_MAILBOX_NAME_BYTES)
    return parseFailure(`Mailbox name longer than ${MAX_MAILBOX_NAME_BYTES} bytes`)
  let name: string
  if (utf8Accept) {
    try {
      name = utf8Strict.decode(bytes)
    } catch {
      return parseFailure('Mailbox name is not valid UTF-8')
    }
  } else {
    if (bytes.some(b => b >= 0x80)) {
      return parseFailure('Mailbox name has 8-bit characters: use modified UTF-7 or ENABLE UTF8=ACCEPT')
    }
    const decoded = decodeModifiedUtf7(ascii.decode(bytes))
    if (!decoded.ok) return decoded
    name = decoded.value
  }
  if (CONTROL.test(name)) return parseFailure('Mailbox name contains control characters')
  return parsed(normalizeInbox(name))
}

/** A mailbox name for a response: modified UTF-7 unless UTF8=ACCEPT / IMAP4rev2 is enabled. */
export function encodeMailboxName(name: string, utf8Accept: boolean): string {
  return utf8Accept ? name : encodeModifiedUtf7(name)
}
