// A growable input buffer: append chunks, then take lines and exact byte runs from the front. Shared
// by every protocol's framing (net/line-reader.ts, imap/protocol/receiver.ts).
// It compacts or doubles instead of concatenating per chunk, so a big literal arriving in small
// chunks is copied an amortised constant number of times (shared notes, bun-platform §1).
// Small at first: most connections exchange short command lines, and a 16 KiB buffer per new connection
// showed up at ~9% of the main thread in bench/smtp. It doubles as needed.
const INITIAL_CAPACITY = 2 * 1024
/** A buffer grown past this by a big literal or message is given back once drained. */
const KEEP_CAPACITY = 64 * 1024
const LF = 0x0a

export class ByteBuffer {
  private buf = new Uint8Array(INITIAL_CAPACITY)
  private start = 0
  private end = 0
  /** Bytes after `start` already known to hold no LF, so 1-byte chunks do not rescan the line. */
  private scanned = 0

  get length(): number {
    return this.end - this.start
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (this.end + chunk.length > this.buf.length) this.makeRoom(chunk.length)
    this.buf.set(chunk, this.end)
    this.end += chunk.length
  }

  /** Offset (from the front) of the first LF, or -1. */
  indexOfLineFeed(): number {
    const from = this.start + this.scanned
    const at = from < this.end ? this.buf.subarray(from, this.end).indexOf(LF) : -1
    if (at < 0) {
      this.scanned = this.length
      return -1
    }
    return from - this.start + at
  }

  /** A view of the first n bytes (valid until the next push or take). */
  peek(n: number): Uint8Array {
    return this.buf.subarray(this.start, this.start + Math.min(n, this.length))
  }

  /** A copy of the first n bytes, consumed. */
  take(n: number): Uint8Array {
    const count = Math.min(n, this.length)
    const out = this.buf.slice(this.start, this.start + count)
    this.skip(count)
    return out
  }

  /** Drop the first n bytes. */
  skip(n: number): void {
    const count = Math.min(n, this.length)
    this.start += count
    this.scanned = Math.max(0, this.scanned - count)
    if (this.start === this.end) this.reset()
  }

  takeAll(): Uint8Array {
    return this.take(this.length)
  }

  /** Drop everything buffered (and give back a grown buffer). */
  clear(): void {
    this.reset()
  }

  private reset(): void {
    this.start = 0
    this.end = 0
    this.scanned = 0
    // A big literal grew the buffer; do not keep megabytes per idle connection.
    if (this.buf.length > KEEP_CAPACITY) this.buf = new Uint8Array(INITIAL_CAPACITY)
  }

  private makeRoom(incoming: number): void {
    const live = this.length
    if (live + incoming <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end)
    } else {
      const next = new Uint8Array(Math.max(this.buf.length * 2, live + incoming))
      next.set(this.buf.subarray(this.start, this.end))
      this.buf = next
    }
    this.start = 0
    this.end = live
  }
}
