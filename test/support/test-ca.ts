// A throw-away certificate authority for TLS tests: a CA certificate (to put in
// delivery.trustedCaFiles / a TrustStore) and leaf certificates it signs for any names, plus
// "bad" leaves: expired, or signed by a CA nobody trusts. @peculiar/x509 on Bun's WebCrypto
// (shared notes bun-platform §3).
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(crypto)

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY = 86_400_000

export interface PemPair {
  cert: string
  key: string
}

export interface TestCa {
  /** PEM of the CA certificate. */
  certPem: string
  /** A leaf for `names` (DNS or IP SANs), valid now unless `expired`. */
  issue(names: string[], options?: { expired?: boolean }): Promise<PemPair>
}

const serial = () => `01${Buffer.from(crypto.getRandomValues(new Uint8Array(15))).toString('hex')}`

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY')
}

export async function createTestCa(name = 'Delivery Test CA'): Promise<TestCa> {
  const caKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
  const now = Date.now()
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  return {
    certPem: caCert.toString('pem'),
    async issue(names, options = {}) {
      const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
      const notAfter = options.expired ? new Date(now - 2 * DAY) : new Date(now + 10 * DAY)
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${names[0]}`,
        issuer: caCert.subject,
        notBefore: new Date(now - 5 * DAY),
        notAfter,
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(
            names.map(n => ({ type: /^[\d.]+$|:/.test(n) ? ('ip' as const) : ('dns' as const), value: n })),
          ),
          await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        ],
      })
      return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }
    },
  }
}
