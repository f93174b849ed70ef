// Encryption of backup objects: AES-256-GCM in the STREAM construction (Hoang, Reyhanitabar,
// Rogaway, Vizár 2015, as age and Tink use it), so objects of any size are encrypted and checked
// piece by piece without holding them in memory, and a reordered, cut or extended object fails.
//
//   header   "MSBKENC1" (8) · key id (8) · nonce prefix (7 random bytes)
//   segment  AES-256-GCM(plaintext piece of 64 KiB, the last one shorter, possibly empty) · tag (16)
//            nonce = prefix (7) · segment number (4, big-endian) · 1 for the last segment else 0
//            additional data = the header
// GCM nonces never repeat under one key: each object draws a fresh 56-bit prefix (collision
// chance about 2^-56·n² for n objects) and numbers its segments.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { userError } from '../core/errors.ts'
import type { BackupKeys } from './backup-key.ts'

const MAGIC = new TextEncoder().encode('MSBKENC1')
const HEADER_BYTES = 8 + 8 + 7
const SEGMENT = 64 * 1024
const TAG = 16

export const isEncrypted = (data: Uint8Array) => data.length >= 8 && MAGIC.every((b, i) => data[i] === b)

const corrupt = (why: string) => userError(`encrypted backup object is damaged: ${why}`, { code: 'backup_corrupt' })

function nonceFor(prefix: Uint8Array, index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12)
  nonce.set(prefix, 0)
  new DataView(nonce.buffer).setUint32(7, index)
  nonce[11] = last ? 1 : 0
  return nonce
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Stateful encryptor: push plaintext, take ciphertext; finish() closes with the last segment. */
export class SegmentEncryptor {
  private readonly header: Uint8Array
  private readonly prefix: Uint8Array
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private index = 0
  private started = false

  constructor(private readonly keys: BackupKeys) {
    this.prefix = new Uint8Array(randomBytes(7))
    this.header = concat([MAGIC, new Uint8Array(Buffer.from(keys.id, 'hex')), this.prefix])
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = this.start()
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    // Keep at least one byte back: only finish() knows which segment is the last.
    if (this.pendingBytes <= SEGMENT) return out
    const all = concat(this.pending)
    let at = 0
    while (all.length - at > SEGMENT) {
      out.push(this.seal(all.subarray(at, at + SEGMENT), false))
      at += SEGMENT
    }
    this.pending = [all.subarray(at)]
    this.pendingBytes = all.length - at
    return out
  }

  finish(): Uint8Array[] {
    const out = this.start()
    out.push(this.seal(concat(this.pending), true))
    this.pending = []
    this.pendingBytes = 0
    return out
  }

  private start(): Uint8Array[] {
    if (this.started) return []
    this.started = true
    return [this.header]
  }

  private seal(plain: Uint8Array, last: boolean): Uint8Array {
    const cipher = createCipheriv('aes-256-gcm', this.keys.data, nonceFor(this.prefix, this.index++, last))
    cipher.setAAD(this.header)
    const body = cipher.update(plain)
    const final = cipher.final()
    return concat([body, final, cipher.getAuthTag()])
  }
}

/** Stateful decryptor: push ciphertext, take verified plaintext; finish() checks the last segment. */
export class SegmentDecryptor {
  private header: Uint8Array | null = null
  private prefix: Uint8Array = new Uint8Array(0)
  private buffered: Uint8Array = new Uint8Array(0)
  private index = 0

  constructor(private readonly keys: BackupKeys) {}

  push(chunk: Uint8Array): Uint8Array[] {
    this.buffered = this.buffered.length === 0 ? chunk : concat([this.buffered, chunk])
    if (!this.header) {
      if (this.buffered.length < HEADER_BYTES) return []
      const header = this.buffered.slice(0, HEADER_BYTES)
      if (!isEncrypted(header)) throw corrupt('not an encrypted object')
      const keyId = Buffer.from(header.subarray(8, 16)).toString('hex')
      if (keyId !== this.keys.id)
        throw userError(`this backup was encrypted with key ${keyId}, the configured key is ${this.keys.id}`, {
          code: 'wrong_backup_key',
        })
      this.header = header
      this.prefix = header.subarray(16, 23)
      this.buffered = this.buffered.subarray(HEADER_BYTES)
    }
    const out: Uint8Array[] = []
    // A full segment is only known not to be the last when more bytes follow it.
    while (this.buffered.length > SEGMENT + TAG) {
      out.push(this.open(this.buffered.subarray(0, SEGMENT + TAG), false))
      this.buffered = this.buffered.subarray(SEGMENT + TAG)
    }
    return out
  }

  finish(): Uint8Array[] {
    if (!this.header) throw corrupt('shorter than its header')
    if (this.buffered.length < TAG) throw corrupt('cut off')
    const last = this.open(this.buffered, true)
    this.buffered = new Uint8Array(0)
    return [last]
  }

  private open(segment: Uint8Array, last: boolean): Uint8Array {
    const decipher = createDecipheriv('aes-256-gcm', this.keys.data, nonceFor(this.prefix, this.index++, last))
    decipher.setAAD(this.header as Uint8Array)
    decipher.setAuthTag(segment.subarray(segment.length - TAG))
    const body = decipher.update(segment.subarray(0, segment.length - TAG))
    try {
      return concat([body, decipher.final()])
    } catch {
      throw corrupt(last ? 'its end is missing or altered' : `segment ${this.index - 1} fails authentication`)
    }
  }
}

export function encryptTransform(keys: BackupKeys): TransformStream<Uint8Array, Uint8Array> {
  const encryptor = new SegmentEncryptor(keys)
  return new TransformStream({
    transform(chunk, controller) {
      for (const part of encryptor.push(chunk)) controller.enqueue(part)
    },
    flush(controller) {
      for (const part of encryptor.finish()) controller.enqueue(part)
    },
  })
}

export function decryptTransform(keys: BackupKeys): TransformStream<Uint8Array, Uint8Array> {
  const decryptor = new SegmentDecryptor(keys)
  return new TransformStream({
    transform(chunk, controller) {
      for (const part of decryptor.push(chunk)) controller.enqueue(part)
    },
    flush(controller) {
      for (const part of decryptor.finish()) controller.enqueue(part)
    },
  })
}

export function encryptBytes(keys: BackupKeys, plain: Uint8Array): Uint8Array {
  const encryptor = new SegmentEncryptor(keys)
  return concat([...encryptor.push(plain), ...encryptor.finish()])
}

export function decryptBytes(keys: BackupKeys, data: Uint8Array): Uint8Array {
  const decryptor = new SegmentDecryptor(keys)
  return concat([...decryptor.push(data), ...decryptor.finish()])
}
