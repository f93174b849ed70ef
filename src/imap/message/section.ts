// FETCH BODY[section]<partial> and BINARY[section]<partial> (RFC 9051 §6.4.5, RFC 3516 §4.2)
// as octets of the stored message, located through the cached MIME tree. Everything except
// HEADER.FIELDS(.NOT) and BINARY decoding is a view of the message bytes, never a copy.
//
// Part numbers (RFC 9051 §6.4.5): the parts of a multipart are numbered from 1; a message that
// is not multipart has one part, 1, its body. A number after a message/rfc822 part addresses the
// encapsulated message the same way. Like Dovecot, 1 is also accepted after any other non-multipart
// part (it names the part itself), and HEADER/TEXT after a part that is not a message refer to
// that part's own header and body rather than failing.
import type { BodySection, FetchPartial } from '../protocol/fetch-attributes.ts'
import { readHeaderFields, lineEndingOf } from './header-fields.ts'
import type { MimePart } from './mime-tree.ts'
import { decodeTransferEncoding, transferEncodingOf } from './transfer-decoding.ts'
import { concatBytes } from '../../core/bytes.ts'

const encoder = new TextEncoder()

/** The part a section-part path (`[1, 2]` for `1.2`) names; the root for `[]`; null when there is none. */
export function findPart(root: MimePart, path: readonly number[]): MimePart | null {
  let node = root
  for (let i = 0; i < path.length; i++) {
    const n = path[i] as number
    if (node.children !== undefined) {
      const child = node.children[n - 1]
      if (child === undefined) return null
      node = child
    } else if (n !== 1) return null
    // More numbers after a message/rfc822 part: continue inside the encapsulated message.
    if (i < path.length - 1 && node.message !== undefined) node = node.message
  }
  return node
}

/** `<origin.length>`: an origin past the end gives an empty string (RFC 9051 §6.4.5). */
export function applyPartial(bytes: Uint8Array, partial: FetchPartial | null): Uint8Array {
  if (partial === null) return bytes
  const start = Math.min(partial.offset, bytes.length)
  return bytes.subarray(start, Math.min(start + partial.length, bytes.length))
}

/**
 * BODY[section]<partial>: the octets, or null when the part does not exist (answer NIL).
 * RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT].
 */
export function extractBodySection(
  message: Uint8Array,
  root: MimePart,
  section: BodySection,
  partial: FetchPartial | null = null,
): Uint8Array | null {
  const node = findPart(root, section.part)
  if (node === null) return null
  const text = section.text
  if (text === null) {
    if (section.part.length === 0) return applyPartial(message, partial)
    return applyPartial(message.subarray(node.bodyStart, node.end), partial)
  }
  if (text.type === 'mime') return applyPartial(message.subarray(node.start, node.bodyStart), partial)
  // HEADER, HEADER.FIELDS, TEXT: of the message itself, or of the message a part encapsulates.
  const target = section.part.length === 0 ? root : (node.message ?? node)
  switch (text.type) {
    case 'header':
      return applyPartial(message.subarray(target.start, target.bodyStart), partial)
    case 'text':
      return applyPartial(message.subarray(target.bodyStart, target.end), partial)
    case 'header-fields':
      return applyPartial(selectHeaderFields(message, target, text.fields, text.not), partial)
  }
}

/**
 * HEADER.FIELDS / HEADER.FIELDS.NOT: the matching fields (names compared case-insensitively) with
 * their original octets, folding and order, then the empty line that ends a header.
 */
export function selectHeaderFields(
  message: Uint8Array,
  part: MimePart,
  names: readonly string[],
  not: boolean,
): Uint8Array {
  const wanted = new Set(names.map(n => n.toLowerCase()))
  const eol = encoder.encode(lineEndingOf(message, part.start, part.bodyStart))
  const chunks: Uint8Array[] = []
  for (const field of readHeaderFields(message, part.start, part.bodyStart)) {
    if (field.name === '' || wanted.has(field.name.toLowerCase()) === not) continue
    const chunk = message.subarray(field.start, field.end)
    chunks.push(chunk)
    if (chunk[chunk.length - 1] !== 0x0a) chunks.push(eol)
  }
  chunks.push(eol)
  return concatBytes(chunks)
}

export type BinarySectionResult =
  | { ok: true; bytes: Uint8Array }
  /** No such part: answer NIL. */
  | { ok: false; reason: 'no-such-part' }
  /** RFC 3516 §4.3: the tagged reply is NO [UNKNOWN-CTE]. */
  | { ok: false; reason: 'unknown-cte'; encoding: string }

/**
 * BINARY[part]<partial>: the part's body with its Content-Transfer-Encoding removed. BINARY[]
 * is the whole message as stored. Multipart bodies are returned as they are (their encoding
 * can only be an identity, RFC 2045 §6.4).
 */
export function extractBinarySection(
  message: Uint8Array,
  root: MimePart,
  part: readonly number[],
  partial: FetchPartial | null = null,
): BinarySectionResult {
  const decoded = decodedBody(message, root, part)
  return decoded.ok ? { ok: true, bytes: applyPartial(decoded.bytes, partial) } : decoded
}

/** BINARY.SIZE[part] (RFC 3516 §4.2): the size of what BINARY[part] returns. */
export function binarySectionSize(
  message: Uint8Array,
  root: MimePart,
  part: readonly number[],
): { ok: true; size: number } | Exclude<BinarySectionResult, { ok: true }> {
  const decoded = decodedBody(message, root, part)
  return decoded.ok ? { ok: true, size: decoded.bytes.length } : decoded
}

function decodedBody(message: Uint8Array, root: MimePart, path: readonly number[]): BinarySectionResult {
  if (path.length === 0) return { ok: true, bytes: message }
  const node = findPart(root, path)
  if (node === null) return { ok: false, reason: 'no-such-part' }
  const body = message.subarray(node.bodyStart, node.end)
  if (node.children !== undefined) return { ok: true, bytes: body }
  const encoding = transferEncodingOf(node.encoding)
  if (encoding === null) return { ok: false, reason: 'unknown-cte', encoding: node.encoding ?? '' }
  return { ok: true, bytes: decodeTransferEncoding(body, encoding) }
}
