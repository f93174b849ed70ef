// SHA-256 and length of bytes as they stream past (the database snapshot is hashed while it is
// compressed and uploaded, never read twice).
export interface StreamDigest {
  sha256(): string
  bytes(): number
}

export function hashingStream(): { transform: TransformStream<Uint8Array, Uint8Array>; digest: StreamDigest } {
  const hasher = new Bun.CryptoHasher('sha256')
  let length = 0
  let hex: string | null = null
  const transform = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hasher.update(chunk)
      length += chunk.length
      controller.enqueue(chunk)
    },
  })
  return {
    transform,
    digest: {
      sha256: () => {
        hex ??= hasher.digest('hex')
        return hex
      },
      bytes: () => length,
    },
  }
}

export const sha256Hex = (bytes: Uint8Array) => new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
