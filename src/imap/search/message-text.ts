// The text SEARCH compares against (RFC 9051 §6.4.4): header field values unfolded with their
// RFC 2047 encoded words decoded, and body text with its Content-Transfer-Encoding removed and its
// charset decoded. Only text/* parts (and the headers of encapsulated messages) count as body
// text, as in Dovecot: searching inside base64 images would match noise.
import { decodeCharset, decodeWords } from '../message/encoded-words.ts'
import { fieldValue, readHeaderFields } from '../message/header-fields.ts'
import { headerText } from '../message/header-text.ts'
import type { MimePart } from '../message/mime-tree.ts'
import { decodeTransferEncoding, transferEncodingOf } from '../message/transfer-decoding.ts'

export interface HeaderValue {
  /** Lower-cased field name. */
  name: string
  value: string
}

/** The fields of a part's header block, values decoded for display. */
export function headerValues(bytes: Uint8Array, part: MimePart): HeaderValue[] {
  return readHeaderFields(bytes, part.start, part.bodyStart)
    .filter(field => field.name !== '')
    .map(field => ({ name: field.name.toLowerCase(), value: decodeWords(headerText(fieldValue(bytes, field))) }))
}

/** All body text of the message, parts separated by a newline. */
export function bodyText(bytes: Uint8Array, root: MimePart): string {
  const out: string[] = []
  collectText(bytes, root, out, true)
  return out.join('\n')
}

function collectText(bytes: Uint8Array, part: MimePart, out: string[], isRoot: boolean): void {
  if (part.children !== undefined) {
    for (const child of part.children) collectText(bytes, child, out, false)
    return
  }
  if (part.message !== undefined) {
    for (const field of headerValues(bytes, part.message)) out.push(`${field.name}: ${field.value}`)
    collectText(bytes, part.message, out, false)
    return
  }
  if (part.type.toLowerCase() !== 'text' && !isRoot) return
  const encoding = transferEncodingOf(part.encoding) ?? 'identity'
  const decoded = decodeTransferEncoding(bytes.subarray(part.bodyStart, part.end), encoding)
  const charset = part.params.find(([name]) => name.toLowerCase() === 'charset')?.[1] ?? 'utf-8'
  out.push(decodeCharset(decoded, charset) ?? new TextDecoder('utf-8').decode(decoded))
}
