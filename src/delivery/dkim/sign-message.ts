// DKIM signing of one message with one or more keys (RFC 6376 §5, RFC 8463), c=relaxed/relaxed.
// The message is parsed and its body hashed once; the header data is canonicalized once; each key
// then signs its own DKIM-Signature field. The private-key operations go through WebCrypto, which
// Bun runs on its thread pool, so the event loop keeps delivering while RSA (~1 ms) computes.
import type { DkimAlgorithm } from './generate-dkim-key.ts'
import { canonicalizeBody } from './canonicalize.ts'
import { DKIM_SIGN_ALGORITHMS } from './dkim-crypto-key.ts'
import {
  canonicalizeSignedFields,
  chooseSignedFields,
  completeSignatureField,
  signingInput,
  unsignedSignatureField,
} from './dkim-signature.ts'
import { readRawHeaderFields } from './raw-header-fields.ts'

export interface DkimSigningKey {
  /** d=: the signing domain (A-label). */
  domain: string
  /** s= */
  selector: string
  algorithm: DkimAlgorithm
  /** From importDkimPrivateKey, with usage 'sign'. */
  key: CryptoKey
}

export interface DkimSignOutcome {
  /** The DKIM-Signature fields, each ending in CRLF, in the order of the keys that succeeded. */
  fields: string
  /** Keys that failed to sign, with the reason (never key material). */
  failures: { domain: string; selector: string; error: unknown }[]
}

const MODE = 'relaxed' as const
const base64 = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes as ArrayBuffer).toString('base64')

/** The b= value for the header data of §3.7 (base64). */
export async function signHeaderData(k: Pick<DkimSigningKey, 'algorithm' | 'key'>, input: Uint8Array): Promise<string> {
  // RFC 6376 §3.3.1: rsa-sha256 is RSASSA-PKCS1-v1_5 over SHA-256 of the data. RFC 8463 §3:
  // ed25519-sha256 signs the SHA-256 hash of the data with PureEdDSA.
  const data = k.algorithm === 'ed25519-sha256' ? new Bun.CryptoHasher('sha256').update(input).digest() : input
  // Both are backed by a plain ArrayBuffer (never a SharedArrayBuffer), as WebCrypto requires.
  return base64(await crypto.subtle.sign(DKIM_SIGN_ALGORITHMS[k.algorithm], k.key, data as Uint8Array<ArrayBuffer>))
}

/**
 * Signs `message` with every key. Throws when the message has no From field (RFC 6376 §5.4: From
 * MUST be signed, and a verifier fails a signature that does not cover it, §6.1.1).
 */
export async function signDkimMessage(
  message: Uint8Array,
  keys: readonly DkimSigningKey[],
  signedAt: Date,
): Promise<DkimSignOutcome> {
  const { fields, bodyOffset } = readRawHeaderFields(message)
  if (!fields.some(f => f.name === 'from')) throw new Error('cannot DKIM-sign a message without a From field')
  // §3.7: the body hash, the same for every key (same canonicalization and hash).
  const bodyHash = new Bun.CryptoHasher('sha256')
    .update(canonicalizeBody(message.subarray(bodyOffset), MODE))
    .digest('base64')
  const signedNames = chooseSignedFields(fields)
  const canonicalFields = canonicalizeSignedFields(fields, signedNames, MODE)
  const timestamp = Math.floor(signedAt.getTime() / 1000)

  const results = await Promise.allSettled(
    keys.map(async k => {
      const unsigned = unsignedSignatureField({
        algorithm: k.algorithm,
        domain: k.domain,
        selector: k.selector,
        timestamp,
        signedNames,
        bodyHash,
      })
      const signature = await signHeaderData(k, signingInput(canonicalFields, unsigned, MODE))
      return completeSignatureField(unsigned, signature)
    }),
  )
  let out = ''
  const failures: DkimSignOutcome['failures'] = []
  results.forEach((r, i) => {
    const k = keys[i] as DkimSigningKey
    if (r.status === 'fulfilled') out += r.value
    else failures.push({ domain: k.domain, selector: k.selector, error: r.reason })
  })
  return { fields: out, failures }
}
