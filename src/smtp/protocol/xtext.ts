// xtext (RFC 3461 §4): how DSN parameters (ENVID, ORCPT) and AUTH= (RFC 4954 §5) carry arbitrary
// octets in an ESMTP parameter value, plus the RFC 6533 §3 utf-8-addr-xtext form used by
// ORCPT=utf-8;... . Malformed input throws SmtpReplyError 501 5.5.4.
import { replyError } from './reply-error.ts'

const PLUS = 0x2b
const EQUALS = 0x3d
const BACKSLASH = 0x5c
const HEX = '0123456789ABCDEF'
const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const malformed = (what: string, why: string) => replyError('syntax', `malformed ${what}: ${why}`)

// RFC 3461 §4: xchar is any ASCII character from "!" (33) to "~" (126) except "+" and "=".
const isXchar = (b: number) => b >= 0x21 && b <= 0x7e && b !== PLUS && b !== EQUALS

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  // RFC 3461 §4 requires upper-case hex; lower case is accepted (RFC 1123 §1.2.2 robustness).
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  return -1
}

/** xtext of the UTF-8 bytes of `value` (or of the bytes given). */
export function encodeXtext(value: string | Uint8Array): string {
  const bytes = typeof value === 'string' ? utf8.encode(value) : value
  let out = ''
  for (const b of bytes) out += isXchar(b) ? String.fromCharCode(b) : `+${HEX[b >> 4]}${HEX[b & 0x0f]}`
  return out
}

/** The octets an xtext string stands for. */
export function decodeXtextBytes(text: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === PLUS) {
      const hi = hexValue(text.charCodeAt(i + 1))
      const lo = hexValue(text.charCodeAt(i + 2))
      if (hi < 0 || lo < 0) throw malformed('xtext', `"+" must be followed by two hex digits at offset ${i}`)
      out.push((hi << 4) | lo)
      i += 2
    } else if (isXchar(c)) {
      out.push(c)
    } else {
      throw malformed('xtext', `character ${describe(c)} at offset ${i} must be hex-encoded`)
    }
  }
  return Uint8Array.from(out)
}

/** xtext decoded as UTF-8 text; bytes that are not UTF-8 are malformed. */
export function decodeXtext(text: string): string {
  try {
    return strictUtf8.decode(decodeXtextBytes(text))
  } catch (e) {
    if (e instanceof TypeError) throw malformed('xtext', 'decoded value is not UTF-8')
    throw e
  }
}

// RFC 6533 §3 QCHAR: printable ASCII except "+", "=" and "\".
const isQchar = (cp: number) => cp >= 0x21 && cp <= 0x7e && cp !== PLUS && cp !== EQUALS && cp !== BACKSLASH

/**
 * Encode an address for ORCPT=utf-8;... (RFC 6533 §3 utf-8-addr-xtext): QCHARs stay, everything else
 * becomes `\x{HEX}`. With `unitext` (the SMTPUTF8 form), non-ASCII characters stay as UTF-8.
 */
export function encodeUtf8AddrXtext(value: string, unitext = false): string {
  let out = ''
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0
    out += isQchar(cp) || (unitext && cp > 0x7f) ? ch : `\\x{${cp.toString(16).toUpperCase()}}`
  }
  return out
}

/** Decode utf-8-addr-xtext or utf-8-addr-unitext (RFC 6533 §3). */
export function decodeUtf8AddrXtext(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0
    if (cp === BACKSLASH) {
      // EmbeddedUnicodeChar = "\x{" HEXPOINT "}", HEXPOINT being 1 to 6 hex digits.
      const match = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(text.slice(i))
      const point = match?.[1] === undefined ? -1 : Number.parseInt(match[1], 16)
      if (match === null || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
        throw malformed('utf-8-addr-xtext', `bad \\x{...} escape at offset ${i}`)
      }
      out += String.fromCodePoint(point)
      i += match[0].length
      continue
    }
    if (!isQchar(cp) && !(cp > 0x7f && !(cp >= 0xd800 && cp <= 0xdfff))) {
      throw malformed('utf-8-addr-xtext', `character ${describe(cp)} at offset ${i} must be escaped`)
    }
    out += String.fromCodePoint(cp)
    i += cp > 0xffff ? 2 : 1
  }
  return out
}

const describe = (cp: number) =>
  cp >= 0x21 && cp <= 0x7e ? `"${String.fromCharCode(cp)}"` : `U+${cp.toString(16).padStart(4, '0')}`
