// A session's pending output as one byte buffer. Response text is written straight into it and
// literal octets are copied in once, so a FETCH of many messages goes out in large writes without
// a list of small arrays to join (the join was a second copy of every octet) and without a fresh
// array per response line.
//
// Fresh memory is expensive by the page (zeroing, faults: tens of microseconds for a batch), so a
// buffer the writer did not keep is used again for the next batch of the same command; the
// session drops it (releaseSpare) once it has nothing more to do, so an idle session holds no
// output memory.
import type { ResponseSink, StreamedLiteral } from '../protocol/serializer.ts'

const encoder = new TextEncoder()

/** The first buffer of a batch is at least this big... */
const MIN_CHUNK = 1024
/** ...and at most this big when the last batch was large (a FETCH stream of batches). */
const MAX_START_CHUNK = 256 * 1024
/** A full buffer holding at least this much is sent rather than grown. */
const MIN_SEND = 16 * 1024
const PAGE = 4096

/** Also the serializer's sink (writeValues), so a response is written into it as it is serialized. */
export class OutputBuffer implements ResponseSink {
  private chunk: Uint8Array | null = null
  private used = 0
  /** A sent buffer the writer did not keep, for the next batch. */
  private spare: Uint8Array | null = null
  /** Size of the next batch's first buffer: about what the last batch needed. */
  private startSize = MIN_CHUNK

  constructor(
    /**
     * Takes a batch. Returns true when it kept no reference to the array (the bytes were copied
     * on, e.g. taken by the socket whole), so the buffer behind it may be written again.
     */
    private readonly send: (bytes: Uint8Array) => boolean,
    /** A batch is sent once it holds this much. */
    private readonly flushAt: number,
  ) {}

  /** Octets written and not sent yet. */
  get size(): number {
    return this.used
  }

  /** Wire text, UTF-8 encoded (7-bit for everything but quoted strings under UTF8=ACCEPT). */
  text(text: string): void {
    this.reserve(text.length)
    const chunk = this.chunk as Uint8Array
    let at = this.used
    // Response text is nearly always 7-bit: copied by hand, which beats encodeInto on a view for
    // the short runs a response is made of.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) {
        this.used = at
        this.writeEncoded(text.slice(i))
        return
      }
      chunk[at++] = c
    }
    this.used = at
    if (this.used >= this.flushAt) this.flush()
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length)
    ;(this.chunk as Uint8Array).set(bytes, this.used)
    this.used += bytes.length
    if (this.used >= this.flushAt) this.flush()
  }

  /** A streamed literal cannot be buffered: the session writes those itself (untaggedStream). */
  stream(_literal: StreamedLiteral): void {
    throw new Error('streamed literal in untagged(); use untaggedStream()')
  }

  /** Send what is written (nothing when empty). */
  flush(): void {
    const chunk = this.chunk
    if (chunk === null || this.used === 0) return
    const bytes = chunk.subarray(0, this.used)
    // Size the next buffer to what this batch took, with room for one more response of the kind
    // that overran the flush mark.
    this.startSize = Math.min(MAX_START_CHUNK, Math.max(MIN_CHUNK, roundUp(this.used + (this.used >> 3), PAGE)))
    this.chunk = null
    this.used = 0
    if (this.send(bytes)) this.spare = chunk
  }

  /** Drop the kept buffer (the session is done for now). */
  releaseSpare(): void {
    this.spare = null
  }

  /** Forget what is not sent (the connection is gone). */
  clear(): void {
    this.chunk = null
    this.spare = null
    this.used = 0
    this.startSize = MIN_CHUNK
  }

  private writeEncoded(text: string): void {
    let rest = text
    // At most three octets per UTF-16 unit.
    this.reserve(rest.length * 3)
    for (;;) {
      const chunk = this.chunk as Uint8Array
      const { read, written } = encoder.encodeInto(rest, chunk.subarray(this.used))
      this.used += written
      if (read === rest.length) break
      rest = rest.slice(read)
      this.reserve(rest.length * 3)
    }
    if (this.used >= this.flushAt) this.flush()
  }

  /** Room for `n` more octets: the current buffer, a bigger copy of it, or a new one after sending it. */
  private reserve(n: number): void {
    const chunk = this.chunk
    if (chunk !== null && chunk.length - this.used >= n) return
    if (chunk !== null && this.used < MIN_SEND) {
      const grown = new Uint8Array(Math.max(this.used + n, chunk.length * 2))
      grown.set(chunk.subarray(0, this.used))
      this.chunk = grown
      return
    }
    this.flush()
    const size = Math.max(this.startSize, n)
    const spare = this.spare
    this.spare = null
    this.chunk = spare !== null && spare.length >= size ? spare : new Uint8Array(size)
  }
}

const roundUp = (n: number, unit: number) => Math.ceil(n / unit) * unit
