// Output buffering for one connection. Bun's socket.write() accepts only part of the data when the
// kernel buffer is full (plain and TLS alike) and drops the rest; this queue keeps the rest, in order,
// and writes it from the socket's `drain` event (shared notes bun-platform §1).
const encoder = new TextEncoder()
/** Small queued chunks are merged up to this size so a flush is not one syscall per reply line. */
const COALESCE_BYTES = 64 * 1024

/** What the queue writes to: a Bun socket, or the TLS socket that replaced it after STARTTLS. */
export interface ByteSink {
  /** Bytes accepted (may be fewer than offered), or -1 when the socket is closed. */
  write(data: Uint8Array): number
  /** Close the write side once the queue is empty. */
  end(): void
}

export class WriteQueue {
  private chunks: Uint8Array[] = []
  private head = 0
  private queued = 0
  private ending = false
  private closed = false
  private emptyWaiters: Array<() => void> = []

  constructor(private sink: ByteSink) {}

  /** Bytes accepted by write() that the socket has not taken yet. */
  get queuedBytes(): number {
    return this.queued
  }

  /** end() was called, or the sink reported it is closed: further writes are dropped. */
  get isClosing(): boolean {
    return this.ending || this.closed
  }

  /** After STARTTLS the TLS socket takes over; only valid while the queue is empty. */
  setSink(sink: ByteSink): void {
    if (this.queued > 0) throw new Error('cannot switch sinks with queued bytes')
    this.sink = sink
  }

  /** Queue data; returns false when it was dropped because the queue is closing. */
  write(data: string | Uint8Array): boolean {
    if (this.ending || this.closed) return false
    // Partial writes are counted in bytes, so strings are encoded before anything is sliced.
    const bytes = typeof data === 'string' ? encoder.encode(data) : data
    if (bytes.length === 0) return true
    if (this.queued > 0) {
      this.enqueue(bytes) // once anything waits, everything after it waits too (order)
      return true
    }
    const n = this.sink.write(bytes)
    if (n < 0) this.markClosed()
    else if (n < bytes.length) this.enqueue(bytes.subarray(n))
    return true
  }

  /** Write what is queued; call from the socket's `drain` handler. */
  flush(): void {
    while (this.queued > 0 && !this.closed) {
      const chunk = this.nextChunk()
      const n = this.sink.write(chunk)
      if (n < 0) {
        this.markClosed()
        return
      }
      this.queued -= n
      if (n < chunk.length) {
        this.chunks[this.head] = chunk.subarray(n)
        this.compact()
        return
      }
      this.chunks[this.head] = EMPTY
      this.head++
    }
    if (this.queued === 0) this.onEmpty()
  }

  /** Close the write side after everything queued has been written. */
  end(): void {
    if (this.ending || this.closed) return
    this.ending = true
    if (this.queued === 0) this.onEmpty()
  }

  /** The connection is gone: forget queued data and release waiters. */
  clear(): void {
    this.markClosed()
  }

  /** Run cb once the queue is empty (now, if it already is). Not called if the queue is cleared. */
  whenEmpty(cb: () => void): void {
    if (this.closed) return
    if (this.queued === 0) cb()
    else this.emptyWaiters.push(cb)
  }

  private enqueue(bytes: Uint8Array): void {
    this.chunks.push(bytes)
    this.queued += bytes.length
  }

  /** The head chunk, merged with small followers so many short replies go out in one write. */
  private nextChunk(): Uint8Array {
    const first = this.chunks[this.head] as Uint8Array
    if (first.length >= COALESCE_BYTES || this.head + 1 >= this.chunks.length) return first
    let size = 0
    let last = this.head
    while (last < this.chunks.length && size + (this.chunks[last] as Uint8Array).length <= COALESCE_BYTES) {
      size += (this.chunks[last] as Uint8Array).length
      last++
    }
    if (last - this.head < 2) return first
    const merged = new Uint8Array(size)
    let at = 0
    for (let i = this.head; i < last; i++) {
      const part = this.chunks[i] as Uint8Array
      merged.set(part, at)
      at += part.length
      this.chunks[i] = EMPTY
    }
    this.head = last - 1
    this.chunks[this.head] = merged
    return merged
  }

  /** Drop written slots now and then so a queue that never empties does not grow without bound. */
  private compact(): void {
    if (this.head < 1024) return
    this.chunks = this.chunks.slice(this.head)
    this.head = 0
  }

  private onEmpty(): void {
    this.chunks = []
    this.head = 0
    const waiters = this.emptyWaiters
    this.emptyWaiters = []
    for (const cb of waiters) cb()
    if (this.ending && !this.closed && this.queued === 0) {
      this.closed = true
      this.sink.end()
    }
  }

  private markClosed(): void {
    this.closed = true
    this.chunks = []
    this.head = 0
    this.queued = 0
    this.emptyWaiters = []
  }
}

const EMPTY = new Uint8Array(0)
