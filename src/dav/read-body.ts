// Request bodies with a size limit (dav.maxResourceSize; RFC 4791 §5.2.5 max-resource-size): a
// declared Content-Length over the limit is refused before reading, and a chunked body is cut off as
// soon as it passes the limit, so an oversized upload is never held in memory whole.
import { DavError } from './dav-error.ts'

export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit)
  if (!request.body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new DavError(400, `${what} is not valid UTF-8`)
  }
}

const tooLarge = (limit: number) =>
  new DavError(413, `request body is larger than the limit of ${limit} bytes`, undefined, { connection: 'close' })
