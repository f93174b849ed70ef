// WebCrypto's ECDSA signature is the fixed-size r‖s (W3C WebCrypto §23.4); X.509 carries
// Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2.3, RFC 3279 §2.2.3).
import { derInteger, derSequence } from './der-writer.ts'

/** r‖s (two equal halves) → DER SEQUENCE { r, s } with minimal positive INTEGERs. */
export function ecdsaSignatureToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError(`ECDSA signature of odd length ${raw.length}`)
  const half = raw.length / 2
  return derSequence(derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half)))
}
