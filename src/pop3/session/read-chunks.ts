// A stored message file, read in bounded chunks so neither RETR nor size measuring ever holds more
// than one chunk of a big message (plus what the write queue holds). A message smaller than a
// chunk is a single read.
import type { BunFile } from 'bun'

/** Big enough that a typical message is one read, small enough to bound memory per session. */
export const READ_CHUNK_BYTES = 256 * 1024

export async function* readChunks(file: BunFile, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  let offset = 0
  for (;;) {
    const chunk = await file.slice(offset, offset + chunkBytes).bytes()
    if (chunk.length > 0) yield chunk
    if (chunk.length < chunkBytes) return
    offset += chunk.length
  }
}
