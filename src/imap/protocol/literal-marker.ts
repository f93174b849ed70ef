// The literal announcement that ends a command line: `{n}` (synchronising), `{n+}` (LITERAL+,
// RFC 7888 §3) and `~{n}` / `~{n+}` (literal8, RFC 3516 §4.3 BINARY). RFC 9051 §4.3: the octets
// of a literal follow the CRLF that ends the line, so only a marker at the very end counts.

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const PLUS = 0x2b
const TILDE = 0x7e
const DQUOTE = 0x22
const BACKSLASH = 0x5c

export interface LiteralMarker {
  /** Announced size; Infinity when the number is too long to be real. */
  size: number
  /** `{n+}`: the client sends the data without waiting for `+` (RFC 7888). */
  nonSync: boolean
  /** `~{n}`: literal8, may hold NUL (RFC 3516). */
  binary: boolean
  /** Offset of `{` (or of `~` for literal8) in the line. */
  offset: number
}

/** Digits beyond this are not a size anyone can send; treat the literal as too large. */
const MAX_SIZE_DIGITS = 15

/**
 * The literal marker ending `line` (CRLF already removed), or null. A `{5}` inside a quoted
 * string (`"a {5}` left open) is not a marker: quoted strings cannot span lines, so the quote
 * state is tracked from the start of the line.
 */
export function findLiteralMarker(line: Uint8Array): LiteralMarker | null {
  let i = line.length - 1
  if (line[i] !== CLOSE_BRACE) return null
  i--
  const nonSync = line[i] === PLUS
  if (nonSync) i--
  const digitsEnd = i + 1
  while (i >= 0 && (line[i] as number) >= 0x30 && (line[i] as number) <= 0x39) i--
  const digitsStart = i + 1
  if (digitsStart === digitsEnd || line[i] !== OPEN_BRACE) return null
  const brace = i
  const binary = brace > 0 && line[brace - 1] === TILDE
  if (insideQuotedString(line, brace)) return null
  const digits = line.subarray(digitsStart, digitsEnd)
  const size = digits.length > MAX_SIZE_DIGITS ? Number.POSITIVE_INFINITY : Number(String.fromCharCode(...digits))
  return { size, nonSync, binary, offset: binary ? brace - 1 : brace }
}

function insideQuotedString(line: Uint8Array, end: number): boolean {
  let quoted = false
  for (let i = 0; i < end; i++) {
    const b = line[i]
    if (quoted && b === BACKSLASH) i++
    else if (b === DQUOTE) quoted = !quoted
  }
  return quoted
}
