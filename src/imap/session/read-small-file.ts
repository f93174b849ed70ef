// A small message file read whole, synchronously. From the page cache that costs a few
// microseconds (open, one read, close), while an asynchronous read goes through the thread pool
// and the event loop and costs three to four times the CPU; FETCH of a mailbox of small messages
// spends most of its time there otherwise. Only small files are read this way, so the event loop
// is never held long by one read (big messages are streamed, fetch.ts); the append path writes
// message files synchronously for the same reason (storage/repositories/message-batch-append.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * A buffer that reads reuse: each read returns a view into it that is valid until the next read
 * into the same buffer. For a caller that is done with one message before it reads the next
 * (FETCH copies the octets into its output), this saves an allocation per message.
 */
export class ReusableReadBuffer {
  bytes = new Uint8Array(0)
}

/** A reused buffer starts at least this big, so messages of similar sizes do not regrow it. */
const MIN_REUSED = 16 * 1024

/**
 * The octets of the file at `path`, which is expected to hold `expectedSize` octets (the size the
 * index recorded); the actual size wins when they differ. With `reuse`, the result is a view into
 * its buffer (see ReusableReadBuffer). Throws when the file cannot be read.
 */
export function readSmallFile(path: string, expectedSize: number, reuse?: ReusableReadBuffer): Uint8Array {
  const fd = openSync(path, 'r')
  try {
    // Room for one octet more than expected: a read that fills it shows the file is longer.
    const wanted = Math.max(0, expectedSize) + 1
    let buffer: Uint8Array
    if (reuse === undefined) buffer = new Uint8Array(wanted)
    else {
      if (reuse.bytes.length < wanted) reuse.bytes = new Uint8Array(Math.max(MIN_REUSED, wanted * 2))
      buffer = reuse.bytes
    }
    let length = 0
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, length)
      if (n === 0) break
      length += n
      // A read of a regular file returns all it has up to the room given: the expected size with
      // room to spare is the whole file, without a second read to see the end.
      if (length >= expectedSize && length < buffer.length) break
      if (length === buffer.length) {
        const grown = new Uint8Array(Math.max(fstatSync(fd).size + 1, buffer.length * 2))
        grown.set(buffer)
        buffer = grown
        if (reuse !== undefined) reuse.bytes = grown
      }
    }
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}
