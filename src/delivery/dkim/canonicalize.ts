// DKIM canonicalization (RFC 6376 §3.4): the "simple" and "relaxed" forms of header fields and of
// the body, which are what gets hashed. Header fields come as latin1 text (raw-header-fields.ts),
// the body as bytes; a bare LF counts as a line end and becomes CRLF (see raw-header-fields.ts).

import { asciiLower } from './raw-header-fields.ts'

export type Canonicalization = 'simple' | 'relaxed'

const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const TAB = 0x09
const EMPTY = new Uint8Array(0)
const TRAILING_WSP = /[ \t]+$/
const FWS_RUN = /(?:[ \t]|\r\n)+/g

/**
 * One header field, canonicalized, ending with CRLF. `raw` is the field as it stands in the message
 * (continuation lines joined with CRLF, no final line end).
 */
export function canonicalizeHeaderField(raw: string, mode: Canonicalization): string {
  // §3.4.1: simple changes nothing.
  if (mode === 'simple') return `${raw}\r\n`
  // §3.4.2: lower-case the name, unfold, turn every WSP run into one SP, drop WSP at the end of the
  // value and around the colon. Only SP and HTAB are WSP: String#trim would also eat 0xA0, which is
  // a UTF-8 continuation byte here (latin1 text), and break 8-bit values. A CRLF in `raw` is always
  // a fold (followed by WSP), so unfolding and collapsing are one replacement; a lone CR stays.
  const colon = raw.indexOf(':')
  const name = asciiLower(raw.slice(0, colon).replace(TRAILING_WSP, ''))
  let value = raw.slice(colon + 1).replace(FWS_RUN, ' ')
  if (value.charCodeAt(0) === SP) value = value.slice(1)
  if (value.charCodeAt(value.length - 1) === SP) value = value.slice(0, -1)
  return `${name}:${value}\r\n`
}

/** The canonicalized body (§3.4.3 simple, §3.4.4 relaxed); may be `body` itself when nothing changes. */
export function canonicalizeBody(body: Uint8Array, mode: Canonicalization): Uint8Array {
  return mode === 'relaxed' ? relaxedBody(body) : simpleBody(body)
}

/** Bare LFs (not preceded by CR): each one grows the canonical form by a byte. */
function countBareLf(body: Uint8Array): number {
  let n = 0
  for (let i = body.indexOf(LF); i >= 0; i = body.indexOf(LF, i + 1)) if (i === 0 || body[i - 1] !== CR) n++
  return n
}

/**
 * Whether relaxedBody would change nothing: no HTAB, no SP run, no SP before a line end, no bare LF,
 * and a final CRLF after a non-empty line. Usual for plain text and always for base64, and checked
 * with native searches, so a large body is neither walked byte by byte in JS nor copied.
 */
function isRelaxedCanonical(body: Uint8Array): boolean {
  const n = body.length
  if (n < 3 || body[n - 2] !== CR || body[n - 1] !== LF || body[n - 3] === LF) return false
  const b = Buffer.from(body.buffer, body.byteOffset, n)
  if (b.indexOf(TAB) >= 0 || b.indexOf('  ', 0, 'latin1') >= 0 || b.indexOf(' \r\n', 0, 'latin1') >= 0) return false
  for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) if (i === 0 || b[i - 1] !== CR) return false
  return true
}

/**
 * §3.4.4: drop WSP at line ends, turn WSP runs inside a line into one SP, drop empty lines at the
 * end; a non-empty body that does not end with CRLF gets one. An empty body stays empty (the
 * errata 1384 wording: "If the body is non-empty but does not end with a CRLF, a CRLF is added").
 */
function relaxedBody(body: Uint8Array): Uint8Array {
  if (isRelaxedCanonical(body)) return body
  const out = new Uint8Array(body.length + countBareLf(body) + 2)
  let o = 0
  /** Output length up to the end of the last line that has content: trailing empty lines are cut. */
  let keep = 0
  let pendingSpace = false
  let lineHasContent = false
  const n = body.length
  for (let i = 0; i < n; i++) {
    const c = body[i] as number
    if (c === LF || (c === CR && body[i + 1] === LF)) {
      if (c === CR) i++
      // WSP before the line end is dropped; a line of WSP alone becomes an empty line.
      pendingSpace = false
      out[o++] = CR
      out[o++] = LF
      if (lineHasContent) keep = o
      lineHasContent = false
    } else if (c === SP || c === TAB) {
      pendingSpace = true
    } else {
      if (pendingSpace) {
        out[o++] = SP
        pendingSpace = false
      }
      out[o++] = c
      lineHasContent = true
    }
  }
  if (lineHasContent) {
    out[o++] = CR
    out[o++] = LF
    keep = o
  }
  return keep === 0 ? EMPTY : out.subarray(0, keep)
}

/**
 * §3.4.3: the body as it is, except that trailing empty lines collapse into one CRLF, and a body
 * that is empty or lacks a final CRLF gets one.
 */
function simpleBody(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + countBareLf(body) + 2)
  let o = 0
  /** Output length up to the end of the last non-empty line. */
  let keep = 0
  let lineStart = 0
  const n = body.length
  for (let i = 0; i < n; i++) {
    const c = body[i] as number
    if (c === LF || (c === CR && body[i + 1] === LF)) {
      if (c === CR) i++
      const empty = o === lineStart
      out[o++] = CR
      out[o++] = LF
      lineStart = o
      if (!empty) keep = o
    } else {
      out[o++] = c
    }
  }
  if (o > lineStart) {
    out[o++] = CR
    out[o++] = LF
    keep = o
  }
  if (keep === 0) {
    out[0] = CR
    out[1] = LF
    return out.subarray(0, 2)
  }
  return out.subarray(0, keep)
}
