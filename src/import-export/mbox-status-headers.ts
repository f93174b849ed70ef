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

function headerFields(text: string, end: number): HeaderField[] {
  const fields: HeaderField[] = []
  let pos = 0
  while (pos < end) {
    let next = text.indexOf('\n', pos)
    next = next < 0 || next >= end ? end : next + 1
    const line = text.slice(pos, next)
    const first = line.charCodeAt(0)
    const last = fields.at(-1)
    if ((first === 0x20 || first === 0x09) && last) {
      last.value += ` ${line.trim()}`
      last.end = next
    } else {
      const colon = line.indexOf(':')
      if (colon > 0)
        fields.push({
          name: line.slice(0, colon).trim().toLowerCase(),
          value: line.slice(colon + 1).trim(),
          start: pos,
          end: next,
        })
    }
    pos = next
  }
  return fields
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'))

/** Read and remove Status/X-Status/X-Keywords (and the UID bookkeeping fields). */
export function takeMboxMetadata(message: Uint8Array): MboxMetadata {
  const text = latin1(headerBlock(message))
  const { end } = headerEnd(text)
  const fields = headerFields(text, end)
  const found = fields.filter(f => METADATA_FIELDS.has(f.name))
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
  const parts: Uint8Array[] = []
  let from = 0
  for (const field of found) {
    parts.push(message.subarray(from, field.start))
    from = field.end
  }
  parts.push(message.subarray(from))
  return { content: concatBytes(parts), flags: [...flags], keywords }
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
