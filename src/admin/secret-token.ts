// Random tokens for session cookies and CSRF fields, and the digest under which sessions are stored.
import { timingSafeEqual } from 'node:crypto'

/** 32 random bytes, base64url (43 characters): unguessable, and safe in a cookie or a form field. */
export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
}

/** SHA-256 in hex: sessions are looked up by the digest of their token, never by the token itself. */
export function sha256Hex(text: string): string {
  return new Bun.CryptoHasher('sha256').update(text).digest('hex')
}

/** Compare two secrets without leaking, through timing, how many leading characters matched. */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
