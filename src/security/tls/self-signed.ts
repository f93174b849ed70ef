// A self-signed server certificate for when no certificate files are configured (dev profile, first
// start before ACME). Recipe from the shared notes bun-platform §3: @peculiar/x509 on Bun's WebCrypto.
// @peculiar/x509 is imported on first use: it costs ~45 ms of start-up, and only a first start (or a
// renewal) generates a certificate.
import type { CertificatePair } from '../../net/transport.ts'

let x509Module: Promise<typeof import('@peculiar/x509')> | null = null
const loadX509 = () =>
  (x509Module ??= (async () => {
    await import('reflect-metadata') // must be evaluated before @peculiar/x509 (tsyringe needs the polyfill)
    const x509 = await import('@peculiar/x509')
    x509.cryptoProvider.set(crypto)
    return x509
  })())

export type KeyKind = 'ecdsa-p256' | 'rsa-2048'

const ALGORITHMS = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  'rsa-2048': {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  },
} as const

export interface SelfSignedOptions {
  /** Subject CN and first SAN. */
  hostname: string
  /** More SANs; localhost, 127.0.0.1 and ::1 are always added so local clients can verify. */
  extraNames?: string[]
  keyKind?: KeyKind
  /** 825 days: the longest validity clients such as Apple's accept for a trusted server certificate. */
  validDays?: number
  /** Issue time (injected clock). */
  now?: Date
}

/** The SANs a self-signed certificate for `hostname` carries, lower-cased and without duplicates. */
export function selfSignedNames(hostname: string, extraNames: string[] = []): string[] {
  return [...new Set([hostname, ...extraNames, 'localhost', '127.0.0.1', '::1'].map(n => n.toLowerCase()))]
}

/** Generate a key pair and a self-signed certificate; PEM strings usable as Bun `tls: { cert, key }`. */
export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<CertificatePair> {
  const x509 = await loadX509()
  const algorithm = ALGORITHMS[options.keyKind ?? 'ecdsa-p256']
  const names = selfSignedNames(options.hostname, options.extraNames)
  // Keys must be extractable to be written out as PKCS#8.
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair
  const now = (options.now ?? new Date()).getTime()
  const serial = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // RFC 5280 §4.1.2.2: a positive serial number; a leading 0-7 nibble keeps the sign bit clear.
    serialNumber: serial.replace(/^[89a-f]/, '1'),
    name: `CN=${options.hostname}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (options.validDays ?? 825) * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map(value => ({ type: /^[\d.]+$|:/.test(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey)
  // PEM files end with a newline, so chains can be concatenated (cat cert.pem chain.pem > fullchain.pem).
  return {
    cert: `${cert.toString('pem').trimEnd()}\n`,
    key: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY').trimEnd()}\n`,
  }
}
