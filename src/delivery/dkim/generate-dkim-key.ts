// DKIM key pairs (RFC 6376 §3.3, RFC 8463): RSA (2048 bits by default; RFC 8301 §3.2 requires at
// least 1024 and recommends 2048) and Ed25519. The private key is stored as PKCS#8 PEM; the public
// value is what goes into the TXT record's p= tag.
import { promisify } from 'node:util'

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256'
export const DKIM_ALGORITHMS: readonly DkimAlgorithm[] = ['rsa-sha256', 'ed25519-sha256']

export interface GeneratedDkimKey {
  algorithm: DkimAlgorithm
  /** PKCS#8 PEM. */
  privateKey: string
  /** p= value: base64 SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the raw 32-byte key for Ed25519 (RFC 8463 §4). */
  publicKey: string
}

// node:crypto is required when a key is generated (first use of a domain, `dkim rotate`), not when
// this module loads with the queue runner at start: an idle server does not pay for it (issue 3).
const generate = (type: 'rsa' | 'ed25519', options: { modulusLength?: number }) => {
  const { generateKeyPair } = require('node:crypto') as typeof import('node:crypto')
  return promisify(generateKeyPair)(type as 'rsa', options as { modulusLength: number })
}
/** An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte header followed by the 32-byte key (RFC 8410 §4). */
const ED25519_SPKI_HEADER = 12

export async function generateDkimKey(algorithm: DkimAlgorithm, rsaBits = 2048): Promise<GeneratedDkimKey> {
  if (algorithm === 'rsa-sha256') {
    if (!Number.isInteger(rsaBits) || rsaBits < 1024)
      throw new Error(`RSA DKIM keys need at least 1024 bits, not ${rsaBits}`)
    const pair = await generate('rsa', { modulusLength: rsaBits })
    return {
      algorithm,
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    }
  }
  const pair = await generate('ed25519', {})
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' })
  return {
    algorithm,
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: spki.subarray(ED25519_SPKI_HEADER).toString('base64'),
  }
}

/** The k= tag of the TXT record (RFC 6376 §3.6.1, RFC 8463 §4). */
export const dkimKeyType = (algorithm: DkimAlgorithm): 'rsa' | 'ed25519' =>
  algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'

export const isDkimAlgorithm = (value: string): value is DkimAlgorithm =>
  (DKIM_ALGORITHMS as readonly string[]).includes(value)
