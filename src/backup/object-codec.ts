// How bytes are stored in a backup target: gzip (RFC 1952), then, when a key is configured,
// encrypted (stream-cipher.ts). Checksums (SHA-256) are always of the plaintext, so a restore
// verifies what it gets back, whatever the codec.
import type { BackupKeys } from './backup-key.ts'
import { decryptBytes, decryptTransform, encryptBytes, encryptTransform } from './stream-cipher.ts'

export function encodeBytes(plain: Uint8Array, keys: BackupKeys | null): Uint8Array {
  const compressed = Bun.gzipSync(plain as Uint8Array<ArrayBuffer>)
  return keys ? encryptBytes(keys, compressed) : compressed
}

export function decodeBytes(stored: Uint8Array, keys: BackupKeys | null): Uint8Array {
  return Bun.gunzipSync((keys ? decryptBytes(keys, stored) : stored) as Uint8Array<ArrayBuffer>)
}

export function encodeStream(plain: ReadableStream<Uint8Array>, keys: BackupKeys | null): ReadableStream<Uint8Array> {
  // lib.dom types the (de)compression pair over ArrayBuffer-backed arrays only; the bytes are the same.
  const gzip = new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>
  const compressed = plain.pipeThrough(gzip)
  return keys ? compressed.pipeThrough(encryptTransform(keys)) : compressed
}

export function decodeStream(stored: ReadableStream<Uint8Array>, keys: BackupKeys | null): ReadableStream<Uint8Array> {
  const plain = keys ? stored.pipeThrough(decryptTransform(keys)) : stored
  return plain.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
}
