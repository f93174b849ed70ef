// The header section of a message as DKIM sees it (RFC 6376 §3.4, §5.4): every field with its
// exact bytes (folding kept), in order, and where the body starts. Bytes are held as latin1
// strings (one char per byte), so 8-bit header values (RFC 6532) pass through unchanged.
//
// Lines end at CRLF or at a bare LF: what the queue holds came in over SMTP, where a bare LF is
// taken as a line end by receivers, and mailauth's verifier does the same (RFC 6376 §5.3 asks
// signers to convert to CRLF before signing). A CR not followed by LF is an ordinary byte.

const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const TAB = 0x09

export interface RawHeaderField {
  /** Lower-cased field name without trailing whitespace: what `h=` entries are matched against. */
  name: string
  /** The whole field as latin1 text, continuation lines joined with CRLF, without the final line end. */
  raw: string
}

export interface RawMessage {
  fields: RawHeaderField[]
  /** Offset of the first body byte: after the empty line; the message length when there is none. */
  bodyOffset: number
}

const NON_ASCII = /[^\x00-\x7f]/

/** ASCII-only lower case: field names are printable US-ASCII (RFC 5322 §2.2), never case-mapped beyond it. */
export const asciiLower = (s: string): string =>
  NON_ASCII.test(s) ? s.replace(/[A-Z]+/g, m => m.toLowerCase()) : s.toLowerCase()

export function readRawHeaderFields(message: Uint8Array): RawMessage {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const fields: RawHeaderField[] = []
  let current: string | null = null
  const flush = () => {
    if (current === null) return
    const colon = current.indexOf(':')
    // RFC 5322 §2.2: a field is name ":" value. A line without a colon (an mbox "From " line, junk)
    // is no field: skipped, as verifiers cannot find it either.
    if (colon > 0) {
      const name = asciiLower(current.slice(0, colon).replace(/[ \t]+$/, ''))
      if (name !== '') fields.push({ name, raw: current })
    }
    current = null
  }
  let start = 0
  while (start < bytes.length) {
    const lf = bytes.indexOf(LF, start)
    const lineEnd = lf < 0 ? bytes.length : lf
    const end = lineEnd > start && bytes[lineEnd - 1] === CR && lf >= 0 ? lineEnd - 1 : lineEnd
    const next = lf < 0 ? bytes.length : lf + 1
    if (end === start && lf >= 0) {
      // RFC 5322 §2.1: the first empty line ends the header section.
      flush()
      return { fields, bodyOffset: next }
    }
    const line = bytes.toString('latin1', start, end)
    const first = bytes[start]
    if (first === SP || first === TAB) {
      // RFC 5322 §2.2.3: a continuation line; one before any field belongs to nothing.
      if (current !== null) current += `\r\n${line}`
    } else {
      flush()
      current = line
    }
    start = next
  }
  flush()
  return { fields, bodyOffset: bytes.length }
}
