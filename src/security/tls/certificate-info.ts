// Validate a PEM certificate chain + private key pair and describe it. A pair is accepted only if the
// key matches the leaf certificate and OpenSSL (through node:tls) can build a context from it, so a
// half-written renewal is refused before it replaces a working certificate.
import 'reflect-metadata' // must be evaluated before @peculiar/x509
import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import * as x509 from '@peculiar/x509'
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
  let der: ArrayBuffer
  let leaf: x509.X509Certificate
  try {
    // A Let's Encrypt fullchain.pem holds the leaf first, then the intermediates.
    der = x509.PemConverter.decodeFirst(pair.cert)
    leaf = new x509.X509Certificate(der)
  } catch (e) {
    throw invalid(`no readable PEM certificate in ${from.certFile}: ${errorMessage(e)}`, e)
  }
  let nodeLeaf: NodeX509
  try {
    nodeLeaf = new NodeX509(Buffer.from(der))
  } catch (e) {
    throw invalid(`unreadable certificate in ${from.certFile}: ${errorMessage(e)}`, e)
  }
  let matches: boolean
  try {
    matches = nodeLeaf.checkPrivateKey(createPrivateKey(pair.key))
  } catch (e) {
    throw invalid(`no readable PEM private key in ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  if (!matches) throw invalid(`private key in ${from.keyFile} does not match the certificate in ${from.certFile}`)
  try {
    createSecureContext({ cert: pair.cert, key: pair.key })
  } catch (e) {
    throw invalid(`TLS cannot use ${from.certFile} with ${from.keyFile}: ${errorMessage(e)}`, e)
  }
  const san = leaf.getExtension(x509.SubjectAlternativeNameExtension)
  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    sans: san ? san.names.items.filter(n => n.type === 'dns' || n.type === 'ip').map(n => n.value.toLowerCase()) : [],
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    selfSigned: await leaf.isSelfSigned(),
    source: from.certFile,
    fingerprint256: nodeLeaf.fingerprint256,
  }
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
