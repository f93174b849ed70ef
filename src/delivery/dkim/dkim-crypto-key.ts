// A stored DKIM private key (PKCS#8 PEM, generate-dkim-key.ts) as a WebCrypto CryptoKey. Parsing the
// PEM costs ~0.4 ms for RSA, so callers import each key once and keep the CryptoKey (dkim-signer.ts
// caches them by key id). Keys are imported non-extractable: the secret cannot leave the CryptoKey.
import type { DkimAlgorithm } from './generate-dkim-key.ts'

/** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits. */
const MIN_RSA_BITS = 1024
const PKCS8_PEM = /^-----BEGIN PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PRIVATE KEY-----\s*$/

/** WebCrypto parameters per DKIM algorithm: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6376 §3.3.1), Ed25519 (RFC 8463 §3). */
export const DKIM_SIGN_ALGORITHMS: Readonly<Record<DkimAlgorithm, { name: string; hash?: string }>> = {
  'rsa-sha256': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  'ed25519-sha256': { name: 'Ed25519' },
}

export async function importDkimPrivateKey(algorithm: DkimAlgorithm, pem: string): Promise<CryptoKey> {
  const body = PKCS8_PEM.exec(pem.trim())?.[1]
  if (body === undefined) throw new Error('DKIM private key is not a PKCS#8 PEM')
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64')
  const key = await crypto.subtle.importKey('pkcs8', der, DKIM_SIGN_ALGORITHMS[algorithm], false, ['sign'])
  if (algorithm === 'rsa-sha256') {
    const bits = (key.algorithm as { modulusLength?: number }).modulusLength ?? 0
    if (bits < MIN_RSA_BITS) throw new Error(`RSA DKIM key has ${bits} bits; at least ${MIN_RSA_BITS} are required`)
  }
  return key
}
