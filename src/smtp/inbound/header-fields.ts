// The header section of a received message as byte ranges (RFC 5322 §2.2: a field is a line that
// starts with a name and a colon, plus the folded lines that start with SP or HT). The pipeline only
// removes whole fields and prepends new ones; everything else, the body included, stays
// byte-identical, which DKIM signatures over the kept fields depend on.
const LF = 0x0a
const CR = 0x0d
const SP = 0x20
const HT = 0x09
const COLON = 0x3a

export interface HeaderField {
  /** Field name, lower-cased ('' for a malformed line without a colon, which is kept as it is). */
  name: string
  /** Byte offset where the field starts. */
  start: number
  /** Byte offset just past its last line break. */
  end: number
}

export interface HeaderSection {
  fields: HeaderField[]
  /** Offset of the empty line ending the header (or the message length when there is none). */
  end: number
}

const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder()

/** Split the header section of `message` into fields. Never throws; odd input yields odd fields. */
export function splitHeaderFields(message: Uint8Array): HeaderSection {
  const fields: HeaderField[] = []
  let pos = 0
  while (pos < message.length) {
    const first = message[pos]
    // RFC 5322 §2.1: the header ends at the first empty line.
    if (first === LF || (first === CR && message[pos + 1] === LF)) return { fields, end: pos }
    const lf = message.indexOf(LF, pos)
    const lineEnd = lf < 0 ? message.length : lf + 1
    const last = fields.at(-1)
    if ((first === SP || first === HT) && last !== undefined) last.end = lineEnd
    else fields.push({ name: fieldName(message, pos, lineEnd), start: pos, end: lineEnd })
    pos = lineEnd
  }
  return { fields, end: message.length }
}

function fieldName(message: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const b = message[i] ?? 0
    if (b === COLON) {
      // RFC 5322 §4.5.8 obs-optional allows white space between the name and the colon.
      const name = latin1.decode(message.subarray(start, i)).trimEnd().toLowerCase()
      return /[ \t]/.test(name) ? '' : name
    }
    // RFC 5322 §3.6.8 ftext is printable ASCII except colon; anything else means no field name.
    if ((b < SP && b !== HT) || b >= 0x7f) return ''
  }
  return ''
}

/** The unfolded value of a field (after the colon), decoded as UTF-8 (RFC 6532). */
export function fieldValue(message: Uint8Array, field: HeaderField): string {
  const raw = utf8.decode(message.subarray(field.start, field.end))
  const colon = raw.indexOf(':')
  return raw
    .slice(colon + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n$/, '')
    .trim()
}

/** The message without the fields `drop` selects, as subarrays of `message` (no copying). */
export function withoutFields(
  message: Uint8Array,
  section: HeaderSection,
  drop: (field: HeaderField) => boolean,
): Uint8Array[] {
  const parts: Uint8Array[] = []
  let keptFrom = 0
  for (const field of section.fields) {
    if (!drop(field)) continue
    if (field.start > keptFrom) parts.push(message.subarray(keptFrom, field.start))
    keptFrom = field.end
  }
  if (keptFrom < message.length) parts.push(message.subarray(keptFrom))
  return parts
}
