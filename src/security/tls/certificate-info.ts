// Validate a PEM certificate chain + private key pair and describe it. A pair is accepted only if the
// key matches the leaf certificate and every certificate of the chain is readable, so a
// half-written renewal is refused before it replaces a working certificate.
// Neither node:crypto nor node:tls is imported here: together they cost ~2.7 MB of idle RSS in the
// compiled binary, and this runs at every start. The leaf is read by x509-certificate.ts, the key is
// checked with WebCrypto (key-pair-check.ts); self-signed.ts generates certificates the same way.
import { MailError, errorMessage } from '../../core/errors.ts'
import type { CertificatePair } from '../../net/transport.ts'
import { privateKeyMatches, signedByOwnKey } from './key-pair-check.ts'
import { pemBlocks } from './pem.ts'
import { type ParsedCertificate, parseCertificate } from './x509-certificate.ts'

export interface CertificateInfo {
  subject: string
  issuer: string
  /** Subject alternative names (DNS names and IP addresses), as written in the certificate. */
  sans: string[]
  notBefore: Date
  notAfter: Date
  selfSigned: boolean
  /** File the certificate was loaded from. */
  source: string
  /** SHA-256 of the leaf certificate's DER, colon-separated hex (as openssl and node:tls print it). */
  fingerprint256: string
}

/** Where the pair came from, for error messages that name the file to fix. */
export interface PairSource {
  certFile: string
  keyFile: string
}

const invalid = (message: string, cause?: unknown) =>
  new MailError('user', message, { code: 'tls_invalid_certificate' }, { cause })

export async function inspectCertificatePair(pair: CertificatePair, from: PairSource): Promise<CertificateInfo> {
  let leaf: ParsedCertificate
  try {
    // A Let's Encrypt fullchain.pem holds the leaf first, then the intermediates; the leaf is the first.
    const block = pemBlocks(pair.cert).find(b => b.label === 'CERTIFICATE')
    if (!block) throw new Error('no BEGIN CERTIFICATE block')
    leaf = parseCertificate(block.der)
  } catch (e) {
    throw invalid(`no readable PEM certificate in ${from.certFile}: ${errorMessage(e)}`, e)
  }
  let matches: boolean
  try {
    matches = await privateKeyMatches(pair.key, leaf)
  } catch (e) {
    throw invalid(`no readable PEM private key in ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  if (!matches) throw invalid(`private key in ${from.keyFile} does not match the certificate in ${from.certFile}`)
  try {
    assertChainReadable(pair)
  } catch (e) {
    throw invalid(`TLS cannot use ${from.certFile} with ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  const subject = distinguishedName(leaf.subject)
  const issuer = distinguishedName(leaf.issuer)
  return {
    subject,
    issuer,
    sans: leaf.sans.map(san => san.value.toLowerCase()),
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    // Not an issuer check: OpenSSL's wants keyCertSign there, which a server certificate rightly lacks.
    selfSigned: subject === issuer && (await signedByOwnKey(leaf)),
    source: from.certFile,
    fingerprint256: fingerprint256(leaf.der),
  }
}

/**
 * The leaf check above reads only the first certificate; BoringSSL reads the whole chain when a
 * listener builds its context and refuses a damaged block, so every block is parsed here too. (A
 * throwaway TLS listener would test the same thing, but measured +1.7 MB of idle RSS in the binary.)
 */
function assertChainReadable(pair: CertificatePair): void {
  const blocks = pemBlocks(pair.cert).filter(b => b.label === 'CERTIFICATE')
  for (const [i, block] of blocks.entries()) {
    try {
      parseCertificate(block.der)
    } catch (e) {
      throw new Error(`certificate ${i + 1} of the chain: ${errorMessage(e)}`)
    }
  }
}

/** One RDN per entry, shown as "CN=a, O=b" (the lines OpenSSL prints, joined). */
const distinguishedName = (rdns: string[]) => rdns.filter(Boolean).join(', ')

/** 'AB:CD:…': upper-case hex pairs, as openssl x509 -fingerprint and X509Certificate print them. */
function fingerprint256(der: Uint8Array): string {
  const hex = new Bun.CryptoHasher('sha256').update(der).digest('hex').toUpperCase()
  return hex.match(/../g)?.join(':') ?? ''
}

/** RFC 6125 §6.4: does the certificate name `hostname` (exact, or a one-label wildcard)? */
export function certificateCoversHost(info: CertificateInfo, hostname: string): boolean {
  const host = hostname.toLowerCase()
  return info.sans.some(name => {
    if (name === host) return true
    if (!name.startsWith('*.')) return false
    const dot = host.indexOf('.')
    return dot > 0 && host.slice(dot + 1) === name.slice(2)
  })
}
