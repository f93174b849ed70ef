// A message assembled from pieces (new trace fields + the received bytes minus dropped fields)
// without copying large bodies: small messages become one buffer (storage then parses the envelope
// from memory and checks quota before writing), large ones are streamed piece by piece.
import type { MessageContent } from '../../storage/index.ts'
import { concatBytes } from '../../core/bytes.ts'

const CONCAT_LIMIT = 1024 * 1024

export { concatBytes }

export function contentOf(parts: readonly Uint8Array[]): MessageContent {
  const size = parts.reduce((n, p) => n + p.length, 0)
  if (size <= CONCAT_LIMIT) return concatBytes(parts)
  return {
    async *[Symbol.asyncIterator]() {
      for (const part of parts) yield part
    },
  }
}
