// AES-256-GCM STREAM encryption of backup objects: round trips at segment boundaries, in any chunk
// size, and every kind of tampering (flipped bit, cut, extended, reordered, wrong key) refused.
import { describe, expect, test } from 'bun:test'
import { tmpdir } from 'node:os'
import {
  deriveBackupKeys,
  encryptedObjectName,
  generateBackupKey,
  loadBackupKeys,
  parseBackupKey,
} from '../../../src/backup/backup-key.ts'
import { decodeBytes, decodeStream, encodeBytes, encodeStream } from '../../../src/backup/object-codec.ts'
import { decryptBytes, encryptBytes, isEncrypted, SegmentDecryptor } from '../../../src/backup/stream-cipher.ts'

const keys = deriveBackupKeys(new Uint8Array(32).fill(7))
const otherKeys = deriveBackupKeys(new Uint8Array(32).fill(8))
const SEGMENT = 64 * 1024
const random = (n: number) => {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)))
  return out
}

describe('round trip', () => {
  test.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 200_000])('%i bytes', size => {
    const plain = random(size)
    const sealed = encryptBytes(keys, plain)
    expect(isEncrypted(sealed)).toBe(true)
    // Header, then a 16-byte tag per segment (an empty object still has its one, last segment).
    expect(sealed.length).toBe(23 + plain.length + 16 * Math.max(1, Math.ceil(plain.length / SEGMENT)))
    expect(decryptBytes(keys, sealed)).toEqual(plain)
  })

  test.each([
    [1, 2 * SEGMENT + 5],
    [7, 3 * SEGMENT + 123],
    [4096, 3 * SEGMENT + 123],
    [SEGMENT + 16, 3 * SEGMENT + 123],
    [1 << 20, 3 * SEGMENT + 123],
  ])('decrypting in chunks of %i bytes', (chunk, size) => {
    const plain = random(size)
    const sealed = encryptBytes(keys, plain)
    const decryptor = new SegmentDecryptor(keys)
    const parts: Uint8Array[] = []
    for (let i = 0; i < sealed.length; i += chunk) parts.push(...decryptor.push(sealed.slice(i, i + chunk)))
    parts.push(...decryptor.finish())
    expect(Buffer.concat(parts)).toEqual(Buffer.from(plain))
  })

  test('the same plaintext encrypts differently each time (fresh nonce prefix)', () => {
    const plain = random(100)
    expect(Buffer.from(encryptBytes(keys, plain)).equals(Buffer.from(encryptBytes(keys, plain)))).toBe(false)
  })

  test('streams: gzip + encryption and back', async () => {
    const plain = random(300_000)
    const encoded = await new Response(encodeStream(new Blob([plain]).stream(), keys)).bytes()
    expect(await new Response(decodeStream(new Blob([encoded]).stream(), keys)).bytes()).toEqual(plain)
    const bytesForm = encodeBytes(plain, keys)
    expect(decodeBytes(bytesForm, keys)).toEqual(plain)
    expect(decodeBytes(encodeBytes(plain, null), null)).toEqual(plain)
  })
})

describe('tampering is refused', () => {
  const plain = random(2 * SEGMENT + 10)
  const sealed = encryptBytes(keys, plain)
  const segment = SEGMENT + 16
  test.each([
    [
      'a flipped bit in the first segment',
      (b: Uint8Array) => ((b[100] = (b[100] as number) ^ 1), b),
      'segment 0 fails',
    ],
    ['a flipped bit in the header nonce', (b: Uint8Array) => ((b[20] = (b[20] as number) ^ 1), b), 'fails'],
    ['the last segment cut off', (b: Uint8Array) => b.slice(0, 23 + 2 * segment), 'its end is missing'],
    ['a few bytes cut from the end', (b: Uint8Array) => b.slice(0, b.length - 3), 'its end is missing'],
    ['bytes appended', (b: Uint8Array) => Buffer.concat([b, new Uint8Array(5)]), 'its end is missing'],
    [
      'segments swapped',
      (b: Uint8Array) =>
        Buffer.concat([
          b.slice(0, 23),
          b.slice(23 + segment, 23 + 2 * segment),
          b.slice(23, 23 + segment),
          b.slice(23 + 2 * segment),
        ]),
      'segment 0 fails',
    ],
    ['shorter than the header', (b: Uint8Array) => b.slice(0, 10), 'shorter than its header'],
    ['not encrypted at all', () => new Uint8Array(100), 'not an encrypted object'],
  ])('%s', (_name, damage, message) => {
    expect(() => decryptBytes(keys, damage(new Uint8Array(sealed)))).toThrow(message)
  })

  test('another key: named, before any decryption', () => {
    expect(() => decryptBytes(otherKeys, sealed)).toThrow(
      `encrypted with key ${keys.id}, the configured key is ${otherKeys.id}`,
    )
  })
})

describe('backup key', () => {
  const hex = 'a'.repeat(64)
  test.each([
    [hex, true],
    [Buffer.alloc(32, 1).toString('base64'), true],
    [` ${hex}\n`, true],
    ['a'.repeat(63), false],
    ['zz'.repeat(32), false],
    [Buffer.alloc(16, 1).toString('base64'), false],
    ['', false],
  ])('%p valid: %p', (text, valid) => {
    if (valid) expect(parseBackupKey(text, 'k')).toHaveLength(32)
    else expect(() => parseBackupKey(text, 'k')).toThrow('k is not a backup key')
  })

  test('keygen makes valid, different keys; ids and object names are stable per key', () => {
    const a = generateBackupKey()
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(generateBackupKey()).not.toBe(a)
    const k = deriveBackupKeys(parseBackupKey(a, 'k'))
    expect(k.id).toMatch(/^[0-9a-f]{16}$/)
    expect(deriveBackupKeys(parseBackupKey(a, 'k')).id).toBe(k.id)
    expect(encryptedObjectName(k, 'ab'.repeat(32))).not.toBe(encryptedObjectName(keys, 'ab'.repeat(32)))
  })

  test('loaded from the config value or a key file; none gives null', async () => {
    const file = `${tmpdir()}/backup-key-${process.pid}`
    await Bun.write(file, `${'b'.repeat(64)}\n`)
    try {
      expect((await loadBackupKeys({ encryptionKey: '', encryptionKeyFile: file }))?.id).toBe(
        deriveBackupKeys(parseBackupKey('b'.repeat(64), 'x')).id,
      )
      expect(await loadBackupKeys({ encryptionKey: '', encryptionKeyFile: '' })).toBeNull()
      await expect(loadBackupKeys({ encryptionKey: '', encryptionKeyFile: `${file}.missing` })).rejects.toThrow(
        'cannot read',
      )
    } finally {
      await Bun.file(file).delete()
    }
  })
})
