// CHUNKING (RFC 3030): after `BDAT <size> [LAST]` exactly <size> octets follow, with no dot-stuffing
// and no end marker, and the message is the concatenation of all chunks up to the LAST one. This
// reader takes the octets of each chunk from whatever reads arrive, returns the bytes after the
// chunk (the next pipelined command, RFC 3030 §4.2), and assembles the message at LAST.
//
// The size limit is checked as soon as a chunk is announced: past maxMessageSize the chunk's octets
// are still consumed (the client sends them regardless, RFC 3030 §2) but dropped, and the chunk is
// answered 552 5.3.4. A failure sticks until LAST or reset(), as the transaction is over
// (RFC 3030 §2: after a 4xx/5xx to BDAT the client must not send more chunks).
import { type SmtpReplyError, replyError } from './reply-error.ts'
import { concatBytes } from '../../core/bytes.ts'

export interface BdatReaderOptions {
  /** Largest message in octets (config smtp.maxMessageSize). */
  maxMessageSize: number
}

export type BdatChunkResult =
  | { readonly done: false }
  | {
      readonly done: true
      /** The chunk was announced with LAST. */
      readonly last: boolean
      readonly chunkSize: number
      /** Octets announced so far in this transaction, this chunk included. */
      readonly totalSize: number
      /** Why the transaction failed, or null. */
      readonly error: SmtpReplyError | null
      /** The whole message, only on the LAST chunk of a transaction without error. */
      readonly message: Uint8Array | null
      /** Bytes after this chunk in the last push (the next command). */
      readonly leftover: Uint8Array
    }

export class BdatReader {
  private readonly maxMessageSize: number
  private parts: Uint8Array[] = []
  private totalSize = 0
  private error: SmtpReplyError | null = null
  /** Octets of the current chunk still to come; null between chunks. */
  private remaining: number | null = null
  private chunkSize = 0
  private last = false

  constructor(options: BdatReaderOptions) {
    if (!(options.maxMessageSize >= 0)) throw new RangeError('maxMessageSize must be >= 0')
    this.maxMessageSize = options.maxMessageSize
  }

  /** A chunk is announced but not yet complete. */
  get inChunk(): boolean {
    return this.remaining !== null
  }

  /** Octets announced in this transaction so far. */
  get size(): number {
    return this.totalSize
  }

  /** Start reading the chunk announced by `BDAT size [LAST]`; then push() bytes (even none, for size 0). */
  beginChunk(size: number, last: boolean): void {
    if (this.remaining !== null) throw new Error('BdatReader: beginChunk() while a chunk is being read')
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`BdatReader: invalid chunk size ${size}`)
    this.remaining = size
    this.chunkSize = size
    this.last = last
    this.totalSize += size
    if (this.error === null && this.totalSize > this.maxMessageSize) {
      // RFC 1870 §6.3 / RFC 3030 §2: over the limit → 552, without keeping the octets.
      this.error = replyError('sizeExceeded', undefined, 'BDAT')
      this.parts = []
    }
  }

  /** Feed bytes; returns done once the announced size has been read. */
  push(chunk: Uint8Array): BdatChunkResult {
    if (this.remaining === null) throw new Error('BdatReader: push() without beginChunk()')
    const take = Math.min(this.remaining, chunk.length)
    // Copy: the caller may reuse its read buffer.
    if (this.error === null && take > 0) this.parts.push(chunk.slice(0, take))
    this.remaining -= take
    if (this.remaining > 0) return { done: false }
    this.remaining = null
    const leftover = chunk.slice(take)
    const error = this.error
    const totalSize = this.totalSize
    let message: Uint8Array | null = null
    if (this.last) {
      if (error === null) message = concatBytes(this.parts)
      this.reset()
    }
    return { done: true, last: this.last, chunkSize: this.chunkSize, totalSize, error, message, leftover }
  }

  /** Forget the transaction (RSET, or after the session gave up on it). */
  reset(): void {
    this.parts = []
    this.totalSize = 0
    this.error = null
    this.remaining = null
  }
}
