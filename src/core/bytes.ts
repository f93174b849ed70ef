// Byte-array helpers every protocol needs (protocol data stays bytes: 8-bit safe, no decoding).

/** One buffer holding `parts` in order; a single part is returned as it is (no copy). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  let size = 0
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Octets of `text` in UTF-8 (RFC 5321 length limits count octets), without encoding it. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}
