// Where in the stored message a FETCH body section lies, without reading the message: the same
// rules as section.ts extractBodySection (RFC 9051 §6.4.5), answered from the cached MIME tree as
// an octet range, so a big section can be streamed from the file instead of read into memory.
// HEADER.FIELDS(.NOT) picks fields out of a header: the answer is that header's range, from which
// the caller reads and selects (selectHeaderFields).
import type { BodySection, FetchPartial } from '../protocol/fetch-attributes.ts'
import type { MimePart } from './mime-tree.ts'
import { findPart } from './section.ts'

export interface OctetRange {
  start: number
  /** Exclusive. */
  end: number
}

export type SectionRange =
  | { kind: 'range'; range: OctetRange }
  /** The part does not exist: the answer is NIL. */
  | { kind: 'none' }
  /** HEADER.FIELDS(.NOT): select from the header in `header`, then apply `partial`. */
  | { kind: 'header-fields'; header: OctetRange; fields: string[]; not: boolean; partial: FetchPartial | null }
  /** Not answerable without the MIME tree (only the whole message is). */
  | { kind: 'needs-tree' }

/** `root` may be null only for the whole message (BODY[] needs no tree). */
export function bodySectionRange(
  root: MimePart | null,
  size: number,
  section: BodySection,
  partial: FetchPartial | null,
): SectionRange {
  if (section.part.length === 0 && section.text === null) return within({ start: 0, end: size }, partial)
  if (root === null) return { kind: 'needs-tree' }
  const node = findPart(root, section.part)
  if (node === null) return { kind: 'none' }
  const text = section.text
  if (text === null) return within({ start: node.bodyStart, end: node.end }, partial)
  if (text.type === 'mime') return within({ start: node.start, end: node.bodyStart }, partial)
  const target = section.part.length === 0 ? root : (node.message ?? node)
  if (text.type === 'header') return within({ start: target.start, end: target.bodyStart }, partial)
  if (text.type === 'text') return within({ start: target.bodyStart, end: target.end }, partial)
  const header = { start: target.start, end: target.bodyStart }
  return { kind: 'header-fields', header, fields: text.fields, not: text.not, partial }
}

/** `<origin.length>` applied to a range: an origin past the end gives an empty range. */
export function applyPartialRange(range: OctetRange, partial: FetchPartial | null): OctetRange {
  if (partial === null) return range
  const start = Math.min(range.start + partial.offset, range.end)
  return { start, end: Math.min(start + partial.length, range.end) }
}

const within = (range: OctetRange, partial: FetchPartial | null): SectionRange => ({
  kind: 'range',
  range: applyPartialRange(range, partial),
})
