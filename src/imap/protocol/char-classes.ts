// Byte classes of the IMAP grammar (RFC 9051 §9, RFC 3501 §9). Tables, so the tokenizer and the
// receiver test a byte with one array lookup.

const SP = 0x20
const DQUOTE = 0x22
const BACKSLASH = 0x5c

/** atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials */
const ATOM_SPECIALS = new Set([0x28, 0x29, 0x7b, SP, 0x25, 0x2a, DQUOTE, BACKSLASH, 0x5d])

function table(accept: (byte: number) => boolean): Uint8Array {
  const out = new Uint8Array(256)
  for (let b = 0; b < 256; b++) out[b] = accept(b) ? 1 : 0
  return out
}

/** CHAR (7-bit, not NUL) that is not a CTL. */
const isPrintable = (b: number) => b > 0x20 && b < 0x7f

/** ATOM-CHAR = <any CHAR except atom-specials> (RFC 9051 §9). */
export const ATOM_CHAR = table(b => isPrintable(b) && !ATOM_SPECIALS.has(b))

/** ASTRING-CHAR = ATOM-CHAR / resp-specials: "]" is allowed in an astring atom. */
export const ASTRING_CHAR = table(b => ATOM_CHAR[b] === 1 || b === 0x5d)

/** list-char = ATOM-CHAR / list-wildcards / resp-specials (LIST patterns keep "%" and "*"). */
export const LIST_CHAR = table(b => ASTRING_CHAR[b] === 1 || b === 0x25 || b === 0x2a)

/** tag = 1*<any ASTRING-CHAR except "+"> ("+" starts a continuation request, RFC 9051 §2.2.1). */
export const TAG_CHAR = table(b => ASTRING_CHAR[b] === 1 && b !== 0x2b)

export const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39

/** Longest tag we read: the grammar has no limit, but a tag is echoed back, so keep it sane. */
export const MAX_TAG_LENGTH = 128

/**
 * The tag at the start of a command line, or null when it is not a valid tag followed by SP.
 * Errors are answered with this tag when it can be read, and with an untagged `* BAD` otherwise.
 */
export function readTag(line: Uint8Array): string | null {
  let end = 0
  while (end < line.length && end <= MAX_TAG_LENGTH && TAG_CHAR[line[end] as number] === 1) end++
  if (end === 0 || end > MAX_TAG_LENGTH) return null
  if (end < line.length && line[end] !== SP) return null
  return String.fromCharCode(...line.subarray(0, end))
}
