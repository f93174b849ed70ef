// Writing one mailbox as an mboxrd file (RFC 4155 + mboxrd quoting): per message a separator
// `From <sender> <asctime UTC>`, the message with LF line ends, our Status/X-Status/X-Keywords
// fields (mbox-status-headers.ts), every line matching `>*From ` given one more `>`, a final
// newline if the message lacked one, and an empty line. Written in buffered pieces, so memory
// holds about a megabyte at a time; the file is fsynced when closed.
import { open } from 'node:fs/promises'
import type { SystemFlag } from '../storage/index.ts'
import { concatBytes } from './concat-bytes.ts'
import { formatFromLine, startsWithFrom } from './mbox-from-line.ts'
import { putMboxMetadata } from './mbox-status-headers.ts'
import { toLf } from './line-endings.ts'

export interface MboxEntry {
  /** The stored message (CRLF line ends). */
  content: Uint8Array
  flags: readonly SystemFlag[]
  keywords: readonly string[]
  internalDate: number
  /** Envelope sender for the separator line ('' = MAILER-DAEMON). */
  sender: string
}

export interface MboxFileWriter {
  write(entry: MboxEntry): Promise<void>
  close(): Promise<void>
}

const LF = 0x0a
const GT = 0x3e
const encoder = new TextEncoder()
const NEWLINE = new Uint8Array([LF])
const QUOTE = new Uint8Array([GT])
/** Written to the file in pieces of about this size. */
const FLUSH_BYTES = 1024 * 1024

/** The bytes of one message as it appears in the file, separator and trailing empty line included. */
export function encodeMboxEntry(entry: MboxEntry): Uint8Array[] {
  const body = putMboxMetadata(toLf(entry.content), entry.flags, entry.keywords)
  const parts: Uint8Array[] = [encoder.encode(`${formatFromLine(entry.sender, entry.internalDate)}\n`)]
  let start = 0
  while (start < body.length) {
    const lf = body.indexOf(LF, start)
    const end = lf < 0 ? body.length : lf + 1
    const line = body.subarray(start, end)
    let i = 0
    while (line[i] === GT) i++
    if (startsWithFrom(line.subarray(i))) parts.push(QUOTE)
    parts.push(line)
    start = end
  }
  if (body.length > 0 && body[body.length - 1] !== LF) parts.push(NEWLINE)
  parts.push(NEWLINE)
  return parts
}

export async function createMboxFileWriter(path: string): Promise<MboxFileWriter> {
  // 'wx': never overwrite a file the user already has there.
  const handle = await open(path, 'wx', 0o600)
  let buffered: Uint8Array[] = []
  let bytes = 0
  const flush = async () => {
    if (bytes === 0) return
    const data = concatBytes(buffered)
    buffered = []
    bytes = 0
    let offset = 0
    while (offset < data.length) offset += (await handle.write(data, offset)).bytesWritten
  }
  return {
    async write(entry) {
      for (const part of encodeMboxEntry(entry)) {
        buffered.push(part)
        bytes += part.length
      }
      if (bytes >= FLUSH_BYTES) await flush()
    },
    async close() {
      try {
        await flush()
        await handle.sync()
      } finally {
        await handle.close()
      }
    },
  }
}
