// Validate a PEM certificate chain + private key pair and describe it. A pair is accepted only if the
// key matches the leaf certificate and OpenSSL (through node:tls) can build a context from it, so a
// half-written renewal is refused before it replaces a working certificate.
// node:crypto's X509Certificate (OpenSSL) reads everything needed here; @peculiar/x509 is kept off
// this path because importing it costs ~45 ms of start-up (it is loaded only to generate a certificate).
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { MailError, errorMessage } from '../../core/errors.ts'
import type { CertificatePair } from '../../net/transport.ts'

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
  let leaf: X509Certificate
  try {
    // A Let's Encrypt fullchain.pem holds the leaf first, then the intermediates; OpenSSL reads the first.
    if (!pair.cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no BEGIN CERTIFICATE block')
    leaf = new X509Certificate(pair.cert)
  } catch (e) {
    throw invalid(`no readable PEM certificate in ${from.certFile}: ${errorMessage(e)}`, e)
  }
  let matches: boolean
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(pair.key))
  } catch (e) {
    throw invalid(`no readable PEM private key in ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  if (!matches) throw invalid(`private key in ${from.keyFile} does not match the certificate in ${from.certFile}`)
  try {
    createSecureContext({ cert: pair.cert, key: pair.key })
  } catch (e) {
    throw invalid(`TLS cannot use ${from.certFile} with ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  return {
    subject: distinguishedName(leaf.subject),
    issuer: distinguishedName(leaf.issuer),
    sans: subjectAltNames(leaf.subjectAltName),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    // Not checkIssued(): OpenSSL also wants keyCertSign there, which a server certificate rightly lacks.
    selfSigned: leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey),
    source: from.certFile,
    fingerprint256: leaf.fingerprint256,
  }
}

/** OpenSSL prints one RDN per line ("CN=a\nO=b"); show them as "CN=a, O=b". */
const distinguishedName = (text: string) => text.split('\n').filter(Boolean).join(', ')

/** "DNS:a.example, IP Address:127.0.0.1" → ['a.example', '127.0.0.1'] (IPv6 compressed: '::1'). */
function subjectAltNames(text: string | undefined): string[] {
  if (!text) return []
  const names: string[] = []
  for (const part of text.split(/,\s*/)) {
    const dns = /^DNS:(.+)$/.exec(part)
    if (dns) names.push((dns[1] as string).toLowerCase())
    const ip = /^IP Address:(.+)$/.exec(part)
    if (ip) names.push(compressIp((ip[1] as string).toLowerCase()))
  }
  return names
}

/** OpenSSL writes IPv6 SANs uncompressed (0:0:0:0:0:0:0:1); RFC 5952 §4 form is '::1'. */
function compressIp(ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = ip.split(':').map(g => g.replace(/^0+(?=.)/, ''))
  let best = { start: -1, length: 0 }
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < groups.length && groups[j] === '0') j++
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i }
    i = j
  }
  if (best.start < 0) return groups.join(':')
  const head = groups.slice(0, best.start).join(':')
  const tail = groups.slice(best.start + best.length).join(':')
  return `${head}::${tail}`
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
