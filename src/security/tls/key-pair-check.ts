// Does a private key belong to a certificate, and is a certificate signed by its own key? Done with the
// global WebCrypto so node:crypto (~2.7 MB of idle RSS together with node:tls) stays unloaded at start.
// Key formats and algorithms WebCrypto cannot take (PKCS#1 'RSA PRIVATE KEY', SEC1 'EC PRIVATE KEY',
// encrypted keys, RSA-PSS, Ed448…) fall back to node:crypto, loaded only then: certbot and our own
// self-signed generator write PKCS#8, so a normal start never needs it.
import {
  DerTag,
  type DerNode,
  decodeOid,
  derChildren,
  expectTag,
  readDerDocument,
  bitStringBytes,
} from './der-reader.ts'
import { pemBlocks } from './pem.ts'
import type { ParsedCertificate } from './x509-certificate.ts'

const RSA = '1.2.840.113549.1.1.1'
const EC = '1.2.840.10045.2.1'
const ED25519 = '1.3.101.112'
/** RFC 5480 §2.1.1.1 named curves → WebCrypto names, with the size of one coordinate in octets. */
const CURVES: Record<string, { name: string; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
}
/** RFC 4055 §5 / RFC 5758 §3.2 / RFC 8410 §3 signature algorithms → WebCrypto verify parameters. */
const SIGNATURES: Record<string, { name: string; hash?: string }> = {
  '1.2.840.113549.1.1.5': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  '1.2.840.10045.4.3.2': { name: 'ECDSA', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA', hash: 'SHA-512' },
  [ED25519]: { name: 'Ed25519' },
}

const loadNodeCrypto = () => import('node:crypto')
type ImportParams = Parameters<typeof crypto.subtle.importKey>[2]
/** WebCrypto wants bytes over a plain ArrayBuffer; DER nodes are views into a larger buffer. */
const own = (bytes: Uint8Array) => new Uint8Array(bytes)

/**
 * True when the PEM private key in `keyPem` is the one for `certificate`'s public key. Throws when no
 * private key can be read from it.
 */
export async function privateKeyMatches(keyPem: string, certificate: ParsedCertificate): Promise<boolean> {
  const block = pemBlocks(keyPem).find(b => b.label.endsWith('PRIVATE KEY'))
  if (!block) throw new Error('no BEGIN PRIVATE KEY block')
  const publicKey = block.label === 'PRIVATE KEY' ? await pkcs8PublicKey(block.der).catch(() => undefined) : undefined
  // Compare the subjectPublicKey bits, not whole SPKIs: a certificate may name an RSA key rsassaPss
  // or carry explicit parameters, and the key is the same.
  if (publicKey) return equalBytes(publicKey, certificate.publicKey)
  const { X509Certificate, createPrivateKey } = await loadNodeCrypto()
  return new X509Certificate(certificate.der).checkPrivateKey(createPrivateKey(keyPem))
}

/**
 * PKCS#8 (RFC 5208 §5) → the subjectPublicKey bits WebCrypto exports for its public half; undefined
 * for algorithms this module leaves to node:crypto.
 */
export async function pkcs8PublicKey(der: Uint8Array): Promise<Uint8Array | undefined> {
  const [, algorithmNode] = derChildren(expectTag(readDerDocument(der), DerTag.sequence, 'PrivateKeyInfo'))
  const algorithm = derChildren(expectTag(algorithmNode, DerTag.sequence, 'privateKeyAlgorithm'))
  const oid = decodeOid(expectTag(algorithm[0], DerTag.oid, 'key algorithm'))
  const curve = algorithm[1]?.tag === DerTag.oid ? CURVES[decodeOid(algorithm[1])] : undefined
  let importParams: ImportParams
  if (oid === RSA) importParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  else if (oid === EC && curve) importParams = { name: 'ECDSA', namedCurve: curve.name }
  else if (oid === ED25519) importParams = { name: 'Ed25519' }
  else return undefined
  const privateKey = await crypto.subtle.importKey('pkcs8', own(der), importParams, true, ['sign'])
  const jwk = await crypto.subtle.exportKey('jwk', privateKey)
  // The public JWK is the private one without its private members (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
  const publicJwk =
    jwk.kty === 'RSA'
      ? { kty: 'RSA', n: jwk.n, e: jwk.e }
      : jwk.kty === 'EC'
        ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }
        : { kty: 'OKP', crv: jwk.crv, x: jwk.x }
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, importParams, true, ['verify'])
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey))
  const [, bits] = derChildren(expectTag(readDerDocument(spki), DerTag.sequence, 'SubjectPublicKeyInfo'))
  return bitStringBytes(expectTag(bits, DerTag.bitString, 'subjectPublicKey'))
}

/** Does the certificate's signature verify with its own public key (RFC 5280 §6.1, self-issued)? */
export async function signedByOwnKey(certificate: ParsedCertificate): Promise<boolean> {
  const verified = await webCryptoSelfSignature(certificate)
  if (verified !== undefined) return verified
  const { X509Certificate } = await loadNodeCrypto()
  const x509 = new X509Certificate(certificate.der)
  return x509.verify(x509.publicKey)
}

/** The self-signature check on WebCrypto; undefined when the algorithm is one it does not cover. */
export async function webCryptoSelfSignature(certificate: ParsedCertificate): Promise<boolean | undefined> {
  const signature = SIGNATURES[certificate.signatureAlgorithm]
  const curve = certificate.publicKeyCurve ? CURVES[certificate.publicKeyCurve] : undefined
  const supported =
    signature !== undefined &&
    (signature.name === 'ECDSA'
      ? certificate.publicKeyAlgorithm === EC && curve !== undefined
      : certificate.publicKeyAlgorithm === (signature.name === 'Ed25519' ? ED25519 : RSA))
  if (!supported) return undefined
  const params = signature.name === 'ECDSA' ? { ...signature, namedCurve: curve?.name as string } : signature
  const key = await crypto.subtle.importKey('spki', own(certificate.spki), params, false, ['verify'])
  const bytes =
    signature.name === 'ECDSA' ? ecdsaRawSignature(certificate.signature, curve?.size ?? 0) : certificate.signature
  if (!bytes) return false
  return crypto.subtle.verify(params, key, own(bytes), own(certificate.tbs))
}

/** X.509's Ecdsa-Sig-Value SEQUENCE { r, s } (RFC 5480 §2.2.3) → WebCrypto's fixed-size r‖s. */
function ecdsaRawSignature(der: Uint8Array, size: number): Uint8Array | undefined {
  let parts: DerNode[]
  try {
    parts = derChildren(expectTag(readDerDocument(der), DerTag.sequence, 'Ecdsa-Sig-Value'))
  } catch {
    return undefined
  }
  const raw = new Uint8Array(size * 2)
  for (const [i, part] of parts.entries()) {
    if (i > 1 || part.tag !== DerTag.integer) return undefined
    let value = part.content
    while (value.length > 1 && value[0] === 0) value = value.subarray(1)
    if (value.length > size) return undefined
    raw.set(value, size * (i + 1) - value.length)
  }
  return parts.length === 2 ? raw : undefined
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
