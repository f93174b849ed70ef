// RETR and TOP output (RFC 1939 §7): "+OK", the message dot-stuffed with CRLF line ends, and the
// terminating ".". A message that fits one read goes out in a single write; a bigger one is read
// chunk by chunk, and the next chunk is read only once the transport's queue has drained below the
// high-water mark, so a slow client never makes the server hold the whole message in memory.
import type { BunFile } from 'bun'
import { DotStuffEncoder } from '../protocol/dot-stuff-encoder.ts'
import { TopCutter } from '../protocol/top-cut.ts'
import { readChunks } from './read-chunks.ts'
import { concatBytes } from '../../core/bytes.ts'

export interface MessageSink {
  write(bytes: Uint8Array): void
  /** More than a few chunks are queued for a slow client. */
  readonly congested: boolean
  /** Resolves once the queue has drained; false when the connection has closed meanwhile. */
  drained(): Promise<boolean>
}

export type SendResult =
  /** Everything was written (queued). */
  | 'sent'
  /** The connection closed while streaming. */
  | 'closed'

/** Reading the file failed after the +OK line went out: the response cannot be completed. */
export class MessageReadError extends Error {
  constructor(cause: unknown) {
    super('message file could not be read', { cause })
    this.name = 'MessageReadError'
  }
}

const encoder = new TextEncoder()

/**
 * Write `statusLine` (a formatted +OK line) and the message. When the very first read fails nothing
 * has been written and the error propagates as is, so the caller can still answer -ERR.
 */
export async function sendMessage(
  sink: MessageSink,
  file: BunFile,
  statusLine: string,
  options: { bodyLines?: number } = {},
): Promise<SendResult> {
  const stuffer = new DotStuffEncoder()
  const cutter = options.bodyLines === undefined ? null : new TopCutter(options.bodyLines)
  const chunks = readChunks(file)
  // One chunk is held back until the next read shows whether it was the last, so a message that
  // fits one read leaves as a single write together with its status line and terminator.
  let held: Uint8Array[] = [encoder.encode(statusLine)]
  let heldBody = false
  let written = false
  for (;;) {
    let step: IteratorResult<Uint8Array>
    try {
      step = await chunks.next()
    } catch (e) {
      if (!written) throw e
      throw new MessageReadError(e)
    }
    if (step.done) break
    const chunk = cutter === null ? step.value : step.value.subarray(0, cutter.take(step.value))
    if (heldBody) {
      sink.write(concatBytes(held))
      written = true
      held = []
      if (sink.congested && !(await sink.drained())) {
        await chunks.return(undefined)
        return 'closed'
      }
    }
    held.push(stuffer.encode(chunk))
    heldBody = true
    if (cutter?.done) {
      await chunks.return(undefined)
      break
    }
  }
  held.push(stuffer.finish())
  sink.write(concatBytes(held))
  return 'sent'
}
