// The MIME structure of a message by byte offset (RFC 2045, RFC 2046), in one forward pass over
// the octets, like Dovecot's message-parser and wildduck's indexer. Every part records where its
// header and body start and where it ends, so BODY[1.2] returns the stored octets exactly; the
// tree holds offsets and parsed Content-* fields, never content, and is cached as JSON.
//
// Boundaries (RFC 2046 §5.1.1): a line that starts with "--" and a boundary of any enclosing
// multipart. The RFC asks only for the boundary to appear in its entirety at the start of the
// line, so trailing whitespace or junk is allowed; when several active boundaries match (one a
// prefix of another), the longest wins, the innermost on a tie (Dovecot's rule). The CRLF before
// a boundary line belongs to the boundary, not to the part before it. A missing close delimiter
// ends the multipart at the enclosing boundary or at the end of the message.
//
// Malformed input never throws: a multipart without a usable boundary, or with no body part at
// all, degrades to text/plain; nesting and part counts are bounded so hostile input cannot
// exhaust the stack.
import { type ContentDisposition, type ContentFields, readContentFields } from './content-headers.ts'
import type { MimeParam } from './content-params.ts'
import { type ImapEnvelope, readEnvelope } from './envelope.ts'
import { readHeaderFields } from './header-fields.ts'
import { binaryBytes } from './header-text.ts'

export interface MimePart {
  /** First octet of the part's header (right after its boundary line; 0 for the message). */
  start: number
  /** First octet of the body: after the empty line that ends the header, or `end` without one. */
  bodyStart: number
  /** End of the body, exclusive. */
  end: number
  /** Media type and subtype as sent (case kept), or the default: text/plain, message/rfc822 in a digest. */
  type: string
  subtype: string
  /** Content-Type parameters as sent (RFC 2231 merged and decoded, see content-params.ts). */
  params: MimeParam[]
  /** Content-Transfer-Encoding as sent; absent means 7bit. */
  encoding?: string
  id?: string
  description?: string
  md5?: string
  disposition?: ContentDisposition
  language?: string[]
  location?: string
  /** Number of LF-terminated lines in the body: text/* and message/rfc822|global parts only. */
  lines?: number
  /** Body parts of a multipart, in order. */
  children?: MimePart[]
  /** The encapsulated message of a message/rfc822 or message/global part (its root part). */
  message?: MimePart
  /** ENVELOPE of an encapsulated message, on its root part. */
  envelope?: ImapEnvelope
}

/** Deeper nesting is treated as an opaque leaf (Dovecot's default limit is 100 too). */
export const MAX_NESTING = 100
/** More parts than this and the rest of the message is treated as opaque leaves. */
export const MAX_PARTS = 10_000

const LF = 0x0a
const CR = 0x0d
const DASH = 0x2d

interface BoundaryHit {
  /** First octet of the boundary line ("--boundary..."). */
  line: number
  /** After the boundary line's terminator. */
  after: number
  /** Index of the matched boundary in the stack. */
  level: number
  close: boolean
}

interface Parsed {
  part: MimePart
  /** The boundary line that ended the part, or null when it ran to the end of the message. */
  hit: BoundaryHit | null
}

/** Parse the MIME structure of `bytes`; the root part is the message itself. */
export function parseMimeTree(bytes: Uint8Array): MimePart {
  return new MimeParser(bytes).parseRoot()
}

/** Whether a part is multipart/* with body parts (after degradation). */
export const isMultipart = (part: MimePart): boolean => part.children !== undefined

/** Whether a part is message/rfc822 or message/global with a parsed encapsulated message. */
export const isMessagePart = (part: MimePart): boolean => part.message !== undefined

class MimeParser {
  private readonly boundaries: Uint8Array[] = []
  private parts = 0

  constructor(private readonly bytes: Uint8Array) {}

  parseRoot(): MimePart {
    const { part } = this.parseEntity(0, 0, false, true)
    return part
  }

  /**
   * One entity (header + body) starting at `start`, which is at the start of a line. It runs to
   * the next boundary line of any enclosing multipart, or to the end of the message.
   */
  private parseEntity(start: number, depth: number, inDigest: boolean, isMessage: boolean): Parsed {
    const bytes = this.bytes
    this.parts++
    // The header ends at an empty line, or (broken part) at a boundary line, or at the end.
    let p = start
    let bodyStart = bytes.length
    let hit: BoundaryHit | null = null
    while (p < bytes.length) {
      hit = this.boundaryAt(p)
      if (hit !== null) {
        bodyStart = this.cutBefore(hit.line, start)
        break
      }
      if (bytes[p] === LF) {
        bodyStart = p + 1
        break
      }
      if (bytes[p] === CR && bytes[p + 1] === LF) {
        bodyStart = p + 2
        break
      }
      const newline = bytes.indexOf(LF, p)
      if (newline < 0) break
      p = newline + 1
    }
    const fields = readHeaderFields(bytes, start, bodyStart)
    const content = readContentFields(bytes, fields)
    const part = newPart(start, bodyStart, content, inDigest)
    if (isMessage && depth > 0) part.envelope = readEnvelope(bytes, fields)
    if (hit !== null) {
      // The header ran into a boundary: the part has no body.
      part.end = bodyStart
      finishLeaf(part, bytes)
      return { part, hit }
    }
    const nestable = depth < MAX_NESTING && this.parts < MAX_PARTS
    if (isMultipartType(part) && nestable) {
      const boundary = part.params.find(([name]) => name.toLowerCase() === 'boundary')?.[1] ?? ''
      // An empty boundary would match every "--" line; such a part is not parseable multipart.
      if (boundary !== '') return this.parseMultipart(part, binaryBytes(boundary), depth, isDigest(part))
    } else if (isMessageType(part) && nestable) {
      const inner = this.parseEntity(bodyStart, depth + 1, false, true)
      part.message = inner.part
      part.end = inner.part.end
      part.lines = countLines(bytes, bodyStart, part.end)
      return { part, hit: inner.hit }
    }
    hit = this.findBoundary(bodyStart)
    part.end = hit === null ? bytes.length : this.cutBefore(hit.line, bodyStart)
    finishLeaf(part, bytes)
    return { part, hit }
  }

  private parseMultipart(part: MimePart, boundary: Uint8Array, depth: number, digest: boolean): Parsed {
    const level = this.boundaries.length
    this.boundaries.push(boundary)
    const children: MimePart[] = []
    let hit = this.findBoundary(part.bodyStart)
    while (hit !== null && hit.level === level && !hit.close) {
      const child = this.parseEntity(hit.after, depth + 1, digest, false)
      children.push(child.part)
      hit = child.hit
    }
    this.boundaries.pop()
    // After the close delimiter comes the epilogue, which runs to an enclosing boundary. Without
    // one (hit is an outer boundary or null) the multipart simply ends there.
    if (hit !== null && hit.level === level) hit = this.findBoundary(hit.after)
    // The line end before the next boundary is the boundary's, unless it already belongs to the
    // last part (a part whose header's empty line is followed directly by that boundary).
    const floor = children[children.length - 1]?.end ?? part.bodyStart
    part.end = hit === null ? this.bytes.length : this.cutBefore(hit.line, floor)
    // RFC 2046 §5.1.1 requires at least one body part; without one, show the text instead.
    if (children.length === 0) finishLeaf(part, this.bytes)
    else part.children = children
    return { part, hit }
  }

  /** The next boundary line at or after `from` (a line start), or null. */
  private findBoundary(from: number): BoundaryHit | null {
    if (this.boundaries.length === 0) return null
    const bytes = this.bytes
    let p = from
    while (p < bytes.length) {
      if (bytes[p] === DASH && bytes[p + 1] === DASH) {
        const hit = this.boundaryAt(p)
        if (hit !== null) return hit
      }
      const newline = bytes.indexOf(LF, p)
      if (newline < 0) return null
      p = newline + 1
    }
    return null
  }

  /** The boundary line at `p` (a line start), if it is one. */
  private boundaryAt(p: number): BoundaryHit | null {
    const bytes = this.bytes
    if (this.boundaries.length === 0 || bytes[p] !== DASH || bytes[p + 1] !== DASH) return null
    let level = -1
    let length = -1
    for (let i = this.boundaries.length - 1; i >= 0; i--) {
      const b = this.boundaries[i] as Uint8Array
      if (b.length > length && startsWithAt(bytes, p + 2, b)) {
        level = i
        length = b.length
      }
    }
    if (level < 0) return null
    const rest = p + 2 + length
    const close = bytes[rest] === DASH && bytes[rest + 1] === DASH
    const newline = bytes.indexOf(LF, rest)
    return { line: p, after: newline < 0 ? bytes.length : newline + 1, level, close }
  }

  /** Where the content before a boundary line at `line` ends: before its CRLF, but not before `floor`. */
  private cutBefore(line: number, floor: number): number {
    const bytes = this.bytes
    let end = line
    if (end > floor && bytes[end - 1] === LF) {
      end--
      if (end > floor && bytes[end - 1] === CR) end--
    }
    return end
  }
}

function startsWithAt(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false
  return true
}

function newPart(start: number, bodyStart: number, content: ContentFields, inDigest: boolean): MimePart {
  // RFC 2045 §5.2 default text/plain; RFC 2046 §5.1.5 in a digest, message/rfc822.
  const contentType = content.contentType ?? {
    type: inDigest ? 'message' : 'text',
    subtype: inDigest ? 'rfc822' : 'plain',
    params: [],
  }
  const part: MimePart = {
    start,
    bodyStart,
    end: bodyStart,
    type: contentType.type,
    subtype: contentType.subtype,
    params: contentType.params,
  }
  if (content.encoding !== null) part.encoding = content.encoding
  if (content.id !== null) part.id = content.id
  if (content.description !== null) part.description = content.description
  if (content.md5 !== null) part.md5 = content.md5
  if (content.disposition !== null) part.disposition = content.disposition
  if (content.language !== null) part.language = content.language
  if (content.location !== null) part.location = content.location
  return part
}

const isMultipartType = (part: MimePart) => part.type.toLowerCase() === 'multipart'
const isDigest = (part: MimePart) => part.subtype.toLowerCase() === 'digest'

/** message/rfc822 (RFC 2046 §5.2.1) or message/global (RFC 6532 §3.5): an encapsulated message. */
function isMessageType(part: MimePart): boolean {
  const subtype = part.subtype.toLowerCase()
  return part.type.toLowerCase() === 'message' && (subtype === 'rfc822' || subtype === 'global')
}

/**
 * A part that stays a leaf. A multipart or message part we could not descend into (no usable
 * boundary, no body parts, nesting limit, no body at all) is shown as its text, as Dovecot
 * degrades it, so BODYSTRUCTURE never claims a structure that BODY[n] cannot deliver.
 */
function finishLeaf(part: MimePart, bytes: Uint8Array): void {
  if (isMultipartType(part) || isMessageType(part)) {
    part.type = 'text'
    part.subtype = 'plain'
    part.params = part.params.filter(([name]) => name.toLowerCase() === 'charset')
  }
  if (part.type.toLowerCase() === 'text') part.lines = countLines(bytes, part.bodyStart, part.end)
}

/** LF count in [start, end): the lines of the body as Dovecot counts them. */
export function countLines(bytes: Uint8Array, start: number, end: number): number {
  let lines = 0
  let p = bytes.indexOf(LF, start)
  while (p >= 0 && p < end) {
    lines++
    p = bytes.indexOf(LF, p + 1)
  }
  return lines
}
