// Content-Transfer-Encoding decoding for FETCH BINARY (RFC 3516 §4.2), octets in and out.
// Lenient like every mail reader: base64 skips characters outside the alphabet and stops at
// padding; quoted-printable keeps a malformed "=" as is (RFC 2045 §6.7 note 1).

export type TransferEncoding = 'identity' | 'base64' | 'quoted-printable'

/** The decoder for a Content-Transfer-Encoding value (absent = 7bit), or null when unknown. */
export function transferEncodingOf(encoding: string | undefined): TransferEncoding | null {
  const name = (encoding ?? '7bit').toLowerCase()
  if (name === '7bit' || name === '8bit' || name === 'binary') return 'identity'
  if (name === 'base64' || name === 'quoted-printable') return name
  return null
}

export function decodeTransferEncoding(bytes: Uint8Array, encoding: TransferEncoding): Uint8Array {
  if (encoding === 'base64') return decodeBase64(bytes)
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(bytes)
  return bytes
}

const BASE64_VALUE = new Int8Array(256).fill(-1)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
for (let i = 0; i < ALPHABET.length; i++) BASE64_VALUE[ALPHABET.charCodeAt(i)] = i
const EQUALS = 0x3d

/** Canonical base64 with line breaks: the native decoder gives the same result, much faster. */
const CLEAN_BASE64 = /^[A-Za-z0-9+/\r\n]*(?:={1,2}[\r\n]*)?$/

export function decodeBase64(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
  if (CLEAN_BASE64.test(text)) return new Uint8Array(Buffer.from(text, 'base64'))
  const out = new Uint8Array(Math.floor((bytes.length * 3) / 4) + 3)
  let length = 0
  let buffer = 0
  let bits = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    if (byte === EQUALS) break
    const value = BASE64_VALUE[byte] as number
    if (value < 0) continue
    buffer = ((buffer << 6) | value) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[length++] = (buffer >> bits) & 0xff
    }
  }
  return out.subarray(0, length)
}

const CR = 0x0d
const LF = 0x0a
const SP = 0x20
const HT = 0x09

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}

export function decodeQuotedPrintable(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  let length = 0
  let i = 0
  while (i < bytes.length) {
    const byte = bytes[i] as number
    if (byte === EQUALS) {
      const hi = hexValue(bytes[i + 1])
      const lo = hexValue(bytes[i + 2])
      if (hi >= 0 && lo >= 0) {
        out[length++] = (hi << 4) | lo
        i += 3
        continue
      }
      // Soft line break: "=" then optional transport padding, then the line end (§6.7 rule 5).
      let j = i + 1
      while (bytes[j] === SP || bytes[j] === HT) j++
      if (bytes[j] === LF) {
        i = j + 1
        continue
      }
      if (bytes[j] === CR && bytes[j + 1] === LF) {
        i = j + 2
        continue
      }
      if (j >= bytes.length) break
      out[length++] = byte
      i++
      continue
    }
    if (byte === SP || byte === HT) {
      // §6.7 rule 3: whitespace at the end of an encoded line was added in transport; drop it.
      let j = i
      while (bytes[j] === SP || bytes[j] === HT) j++
      if (j < bytes.length && bytes[j] !== LF && !(bytes[j] === CR && bytes[j + 1] === LF)) {
        // Inner whitespace: copy the whole run at once, so a long run is not rescanned per octet.
        while (i < j) out[length++] = bytes[i++] as number
      }
      i = j
      continue
    }
    out[length++] = byte
    i++
  }
  return out.subarray(0, length)
}
