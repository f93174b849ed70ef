// The fields of a header block, by byte offset (RFC 5322 §2.2): a field starts at a line that does
// not begin with WSP and continues over folded lines that do. Offsets, not copies, so
// HEADER.FIELDS can return the original octets in their original order (RFC 9051 §6.4.5).
import { binaryString, unfold } from './header-text.ts'

const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const HT = 0x09
const COLON = 0x3a

export interface HeaderField {
  /** Name as written (binary string), without the colon or trailing WSP; '' for a line without a colon. */
  name: string
  /** First octet of the field. */
  start: number
  /** First octet after the colon (== start for a line without a colon). */
  valueStart: number
  /** After the field's last line terminator (or the end of the block when it has none). */
  end: number
}

/**
 * The fields in [start, end). Stops at the first empty line (the header/body separator); lines
 * without a colon and continuation lines with no field before them become nameless fields, so
 * every octet before the separator belongs to exactly one field.
 */
export function readHeaderFields(bytes: Uint8Array, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = []
  let p = start
  while (p < end) {
    const first = bytes[p]
    if (first === LF || (first === CR && bytes[p + 1] === LF && p + 1 < end)) break
    const newline = bytes.indexOf(LF, p)
    const lineEnd = newline < 0 || newline >= end ? end : newline + 1
    const last = fields[fields.length - 1]
    if ((first === SP || first === HT) && last !== undefined) {
      last.end = lineEnd
    } else {
      const colon = first === SP || first === HT ? -1 : indexInLine(bytes, COLON, p, lineEnd)
      if (colon < 0) fields.push({ name: '', start: p, valueStart: p, end: lineEnd })
      else {
        let nameEnd = colon
        // RFC 5322 §4.5 obs-optional: WSP is allowed between the name and the colon.
        while (nameEnd > p && (bytes[nameEnd - 1] === SP || bytes[nameEnd - 1] === HT)) nameEnd--
        fields.push({ name: binaryString(bytes, p, nameEnd), start: p, valueStart: colon + 1, end: lineEnd })
      }
    }
    p = lineEnd
  }
  return fields
}

function indexInLine(bytes: Uint8Array, byte: number, from: number, to: number): number {
  const at = bytes.indexOf(byte, from)
  return at < 0 || at >= to ? -1 : at
}

/** The unfolded, trimmed value of a field, as a binary string. */
export function fieldValue(bytes: Uint8Array, field: HeaderField): string {
  return unfold(binaryString(bytes, field.valueStart, field.end))
}

/** The first field named `name` (case-insensitive, RFC 5322 §1.2.2), or undefined. */
export function findField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  const lower = name.toLowerCase()
  return fields.find(f => f.name.toLowerCase() === lower)
}

/** "\r\n", or "\n" when the block's first line ends with a bare LF (a message stored with LF ends). */
export function lineEndingOf(bytes: Uint8Array, start: number, end: number): '\r\n' | '\n' {
  const newline = bytes.indexOf(LF, start)
  if (newline < 0 || newline >= end) return '\r\n'
  return newline > start && bytes[newline - 1] === CR ? '\r\n' : '\n'
}
