// Message state kept in mbox headers, as mutt, Thunderbird, UW IMAP and Dovecot write it:
//   Status: R (read = \Seen) O (old: seen by a client, not \Recent)
//   X-Status: A (\Answered) F (\Flagged) T (\Draft) D (\Deleted)
//   X-Keywords: IMAP keywords, separated by spaces or commas (Dovecot)
// plus X-UID, X-IMAP and X-IMAPbase, the UID bookkeeping of UW IMAP/Dovecot mbox. On import these
// fields become flags and are removed (they describe the mailbox, not the message); on export the
// first three are written from the stored state. Only the top-level header block is touched.
import { headerBlock } from '../storage/envelope/parse-envelope.ts'
import type { SystemFlag } from '../storage/index.ts'
import { concatBytes } from './concat-bytes.ts'

const METADATA_FIELDS = new Set(['status', 'x-status', 'x-keywords', 'x-uid', 'x-imap', 'x-imapbase'])

const X_STATUS_FLAGS: ReadonlyArray<[string, SystemFlag]> = [
  ['A', '\\Answered'],
  ['F', '\\Flagged'],
  ['T', '\\Draft'],
  ['D', '\\Deleted'],
]

export interface MboxMetadata {
  /** The message without the metadata fields. */
  content: Uint8Array
  flags: SystemFlag[]
  keywords: string[]
}

interface HeaderField {
  name: string
  /** Unfolded value. */
  value: string
  /** Offsets of the whole field (continuation lines included) in the latin1 text. */
  start: number
  end: number
}

/** Byte offset just past the header block's last line (before the empty line), and whether one ends it. */
function headerEnd(text: string): { end: number; hasBody: boolean } {
  if (text.startsWith('\n') || text.startsWith('\r\n')) return { end: 0, hasBody: true }
  const lf = text.indexOf('\n\n')
  const crlf = text.indexOf('\n\r\n')
  const candidates = [lf, crlf].filter(i => i >= 0)
  if (candidates.length === 0) return { end: text.length, hasBody: false }
  return { end: Math.min(...candidates) + 1, hasBody: true }
}

/**
 * The metadata fields (METADATA_FIELDS) of the header block, unfolded. Lines of other fields are
 * only skipped: their names all start with another letter than `s` or `x`, so most lines cost a
 * look at one character instead of strings of their own.
 */
function metadataFields(text: string, end: number): HeaderField[] {
  const fields: HeaderField[] = []
  // The field a continuation line belongs to: a metadata field, null for another one, undefined before the first.
  let last: HeaderField | null | undefined
  let pos = 0
  while (pos < end) {
    let next = text.indexOf('\n', pos)
    next = next < 0 || next >= end ? end : next + 1
    const first = text.charCodeAt(pos)
    const blank = first === 0x20 || first === 0x09
    if (blank && last !== undefined) {
      if (last) {
        last.value += ` ${text.slice(pos, next).trim()}`
        last.end = next
      }
    } else {
      const colon = text.indexOf(':', pos)
      if (colon > pos && colon < next) {
        const letter = first | 0x20
        const name = letter === 0x73 || letter === 0x78 || blank ? text.slice(pos, colon).trim().toLowerCase() : ''
        if (METADATA_FIELDS.has(name)) {
          last = { name, value: text.slice(colon + 1, next).trim(), start: pos, end: next }
          fields.push(last)
        } else last = null
      }
    }
    pos = next
  }
  return fields
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'))

/** Read and remove Status/X-Status/X-Keywords (and the UID bookkeeping fields). */
export function takeMboxMetadata(message: Uint8Array): MboxMetadata {
  return takeMetadata(message, false)
}

/**
 * takeMboxMetadata for a message the caller hands over (a fresh copy from the mbox reader): the
 * fields are cut out of `message` itself, which saves a copy of the whole message.
 */
export function takeMboxMetadataInPlace(message: Uint8Array): MboxMetadata {
  return takeMetadata(message, true)
}

function takeMetadata(message: Uint8Array, inPlace: boolean): MboxMetadata {
  const text = latin1(headerBlock(message))
  const { end } = headerEnd(text)
  const found = metadataFields(text, end)
  if (found.length === 0) return { content: message, flags: [], keywords: [] }
  const flags = new Set<SystemFlag>()
  const keywords: string[] = []
  for (const field of found) {
    if (field.name === 'status' && field.value.includes('R')) flags.add('\\Seen')
    if (field.name === 'x-status')
      for (const [letter, flag] of X_STATUS_FLAGS) if (field.value.includes(letter)) flags.add(flag)
    if (field.name === 'x-keywords')
      for (const k of field.value.split(/[\s,]+/)) if (k !== '' && !keywords.includes(k)) keywords.push(k)
  }
  return { content: inPlace ? cutInPlace(message, found) : cut(message, found), flags: [...flags], keywords }
}

/** `message` without the byte ranges of `fields` (in order, not overlapping), as a new array. */
function cut(message: Uint8Array, fields: readonly HeaderField[]): Uint8Array {
  const parts: Uint8Array[] = []
  let from = 0
  for (const field of fields) {
    parts.push(message.subarray(from, field.start))
    from = field.end
  }
  parts.push(message.subarray(from))
  return concatBytes(parts)
}

/** The same, moving the kept bytes down inside `message`; returns a view of it. */
function cutInPlace(message: Uint8Array, fields: readonly HeaderField[]): Uint8Array {
  let to = 0
  let from = 0
  for (const field of fields) {
    message.copyWithin(to, from, field.start)
    to += field.start - from
    from = field.end
  }
  message.copyWithin(to, from)
  return message.subarray(0, to + message.length - from)
}

/** The message (LF line ends) with our Status/X-Status/X-Keywords in place of any it carried. */
export function putMboxMetadata(
  message: Uint8Array,
  flags: readonly SystemFlag[],
  keywords: readonly string[],
): Uint8Array {
  const stripped = takeMboxMetadata(message).content
  const text = latin1(headerBlock(stripped))
  const { end } = headerEnd(text)
  const has = (flag: SystemFlag) => flags.includes(flag)
  let lines = `Status: ${has('\\Seen') ? 'RO' : 'O'}\n`
  const xStatus = X_STATUS_FLAGS.filter(([, flag]) => has(flag))
    .map(([letter]) => letter)
    .join('')
  if (xStatus !== '') lines += `X-Status: ${xStatus}\n`
  // Keywords with spaces cannot exist (RFC 3501 atom); the field is folded by nobody we know.
  if (keywords.length > 0) lines += `X-Keywords: ${keywords.join(' ')}\n`
  // A header-only message without a final newline gets one before our fields.
  const glue = end > 0 && text[end - 1] !== '\n' ? '\n' : ''
  return concatBytes([stripped.subarray(0, end), bytesOf(glue + lines), stripped.subarray(end)])
}
