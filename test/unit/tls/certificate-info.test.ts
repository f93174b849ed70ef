// inspectCertificatePair without node:crypto: every field is checked against what node:crypto's
// X509Certificate (OpenSSL) reads from the same openssl-generated certificates, for each key type and
// key file format, plus damaged certificates, keys and chains.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MailError } from '../../../src/core/errors.ts'
import { type CertificateInfo, inspectCertificatePair } from '../../../src/security/tls/certificate-info.ts'
import { pkcs8PublicKey, webCryptoSelfSignature } from '../../../src/security/tls/key-pair-check.ts'
import { pemBlocks } from '../../../src/security/tls/pem.ts'
import { parseCertificate } from '../../../src/security/tls/x509-certificate.ts'

let dir: string
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8')

function openssl(...args: string[]) {
  const run = Bun.spawnSync(['openssl', ...args], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
  if (run.exitCode !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr.toString()}`)
}

const KEYS = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
} as const
type KeyName = keyof typeof KEYS

/** A self-signed certificate with an awkward subject, every SAN form, and (for p384) a post-2049 expiry. */
function selfSigned(key: KeyName, subject: string, days: number) {
  openssl('genpkey', ...KEYS[key], '-out', `${key}.key`)
  openssl(
    'req',
    '-x509',
    '-key',
    `${key}.key`,
    '-out',
    `${key}.crt`,
    '-days',
    String(days),
    '-utf8',
    '-subj',
    subject,
    '-addext',
    'subjectAltName=DNS:Mail.Example.test,IP:10.0.0.1,IP:2001:db8:0:0:1:0:0:1,IP:::1,email:x@y.test,URI:http://x,DNS:*.example.test',
  )
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-info-'))
  selfSigned('rsa', '/C=DE/ST=Be rlin/O=Ex, Inc/OU=A+OU=B/CN=mail.example.test/emailAddress=a@b.test', 30)
  selfSigned('p256', '/CN= #lead;<x>\\\\/O=Quoted "q" /DC=example/DC=test', 30)
  selfSigned('p384', '/CN=Zürich é/serialNumber=42/L=x=y/street=1 Main', 20_000)
  selfSigned('ed25519', '/CN=ed.example.test', 30)
  // A leaf issued by a CA, and a leaf whose issuer name equals its subject but which the CA signed.
  openssl('genpkey', ...KEYS.p256, '-out', 'leaf.key')
  openssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=leaf.example.test', '-out', 'leaf.csr')
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'rsa.crt', '-CAkey', 'rsa.key', '-days', '10', '-out', 'leaf.crt')
  openssl(
    'req',
    '-new',
    '-key',
    'leaf.key',
    '-subj',
    '/C=DE/ST=Be rlin/O=Ex, Inc/OU=A+OU=B/CN=mail.example.test/emailAddress=a@b.test',
    '-out',
    'twin.csr',
  )
  openssl('x509', '-req', '-in', 'twin.csr', '-CA', 'rsa.crt', '-CAkey', 'rsa.key', '-days', '10', '-out', 'twin.crt')
  // Other key file formats: PKCS#1, SEC1, encrypted PKCS#8 (these take the node:crypto fallback).
  openssl('rsa', '-in', 'rsa.key', '-traditional', '-out', 'rsa-pkcs1.key')
  openssl('ec', '-in', 'p256.key', '-out', 'p256-sec1.key')
  openssl('pkcs8', '-topk8', '-in', 'p256.key', '-passout', 'pass:secret', '-out', 'p256-encrypted.key')
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const inspect = (certFile: string, keyFile: string) =>
  inspectCertificatePair({ cert: read(certFile), key: read(keyFile) }, { certFile, keyFile })

/** The fields as the previous node:crypto implementation computed them. */
function expected(certFile: string, selfSigned: boolean): Omit<CertificateInfo, 'source'> {
  const x509 = new X509Certificate(read(certFile))
  const names = (x509.subjectAltName ?? '').split(', ').flatMap(part => {
    if (part.startsWith('DNS:')) return [part.slice(4).toLowerCase()]
    if (part.startsWith('IP Address:')) return [part.slice(11).toLowerCase()]
    return []
  })
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    // OpenSSL prints IPv6 uncompressed; the inspected form is RFC 5952's.
    sans: names.map(n => n.replace('2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1').replace('0:0:0:0:0:0:0:1', '::1')),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    selfSigned,
    fingerprint256: x509.fingerprint256,
  }
}

async function expectRefused(p: Promise<unknown>, fragment: string) {
  const caught = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(caught).toBeInstanceOf(MailError)
  expect((caught as MailError).message).toContain(fragment)
}

describe('fields match what OpenSSL reads', () => {
  test.each(['rsa', 'p256', 'p384', 'ed25519'] as const)('%s self-signed', async key => {
    const info = await inspect(`${key}.crt`, `${key}.key`)
    expect(info).toEqual({ ...expected(`${key}.crt`, true), source: `${key}.crt` })
  })

  test('names are escaped like OpenSSL (RFC 4514 specials, leading space and #, UTF-8 kept)', async () => {
    expect((await inspect('rsa.crt', 'rsa.key')).subject).toBe(
      'C=DE, ST=Be rlin, O=Ex\\, Inc, OU=A + OU=B, CN=mail.example.test, emailAddress=a@b.test',
    )
    expect((await inspect('p256.crt', 'p256.key')).subject).toBe(
      'CN=\\ #lead\\;\\<x\\>\\\\, O=Quoted \\"q\\"\\ , DC=example, DC=test',
    )
    expect((await inspect('p384.crt', 'p384.key')).subject).toBe('CN=Zürich é, serialNumber=42, L=x=y, street=1 Main')
  })

  test('SANs: DNS lower-cased, IPv4 dotted, IPv6 compressed, other forms skipped', async () => {
    expect((await inspect('rsa.crt', 'rsa.key')).sans).toEqual([
      'mail.example.test',
      '10.0.0.1',
      '2001:db8::1:0:0:1',
      '::1',
      '*.example.test',
    ])
  })

  test('a GeneralizedTime expiry after 2049 is read', async () => {
    expect((await inspect('p384.crt', 'p384.key')).notAfter.getUTCFullYear()).toBeGreaterThan(2070)
  })

  test('a CA-issued leaf is not self-signed', async () => {
    const info = await inspect('leaf.crt', 'leaf.key')
    expect(info).toEqual({ ...expected('leaf.crt', false), source: 'leaf.crt' })
    expect(info.issuer).toContain('CN=mail.example.test')
  })

  test('subject equal to issuer but signed by another key is not self-signed', async () => {
    const info = await inspect('twin.crt', 'leaf.key')
    expect(info.subject).toBe(info.issuer)
    expect(info.selfSigned).toBe(false)
    expect(new X509Certificate(read('twin.crt')).verify(new X509Certificate(read('twin.crt')).publicKey)).toBe(false)
  })
})

describe('key files', () => {
  test.each([
    ['rsa.crt', 'rsa-pkcs1.key', 'PKCS#1 RSA'],
    ['p256.crt', 'p256-sec1.key', 'SEC1 EC'],
  ])('%s with %s (%s) is accepted', async (cert, key) => {
    expect((await inspect(cert, key)).selfSigned).toBe(true)
  })

  test.each([
    ['rsa.crt', 'p256.key'],
    ['p256.crt', 'p384.key'],
    ['p256.crt', 'leaf.key'],
    ['ed25519.crt', 'p256.key'],
    ['rsa.crt', 'p256-sec1.key'],
    ['p384.crt', 'rsa-pkcs1.key'],
    ['leaf.crt', 'rsa.key'],
  ])('%s with %s: does not match', async (cert, key) => {
    await expectRefused(inspect(cert, key), `private key in ${key} does not match the certificate in ${cert}`)
  })

  test.each([
    ['garbage', 'not a key\n'],
    ['a certificate instead of a key', 'CERT'],
    [
      'a damaged PKCS#8 body',
      '-----BEGIN PRIVATE KEY-----\nMIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA\n-----END PRIVATE KEY-----\n',
    ],
    ['an encrypted key without its passphrase', 'ENCRYPTED'],
  ])('%s is unreadable', async (_name, key) => {
    const keyText = key === 'CERT' ? read('rsa.crt') : key === 'ENCRYPTED' ? read('p256-encrypted.key') : key
    await expectRefused(
      inspectCertificatePair({ cert: read('p256.crt'), key: keyText }, { certFile: 'c.pem', keyFile: 'k.pem' }),
      'no readable PEM private key in k.pem',
    )
  })
})

describe('damaged certificates and chains', () => {
  const certOf = (name: string) => (pemBlocks(read(name))[0] as { der: Uint8Array }).der
  const pem = (der: Uint8Array) =>
    `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`

  test('every truncation of a certificate is refused with an error, never a crash or a wrong answer', () => {
    const der = certOf('rsa.crt')
    for (let length = 0; length < der.length; length += 7) {
      expect(() => parseCertificate(der.subarray(0, length))).toThrow()
    }
    expect(parseCertificate(der).subject).toContain('CN=mail.example.test')
  })

  test('bytes flipped at every position are refused or read without throwing anything but an Error', () => {
    const der = certOf('p256.crt')
    for (let i = 0; i < der.length; i += 3) {
      const damaged = new Uint8Array(der)
      damaged[i] = (damaged[i] as number) ^ 0xff
      try {
        parseCertificate(damaged)
      } catch (e) {
        expect(e).toBeInstanceOf(Error)
      }
    }
  })

  test.each([
    ['no PEM block', 'not a certificate\n'],
    ['bad base64', '-----BEGIN CERTIFICATE-----\nM!!!\n-----END CERTIFICATE-----\n'],
    ['a key instead of a certificate', 'KEY'],
    ['a truncated certificate', 'TRUNCATED'],
  ])('%s: no readable PEM certificate', async (_name, cert) => {
    const certText =
      cert === 'KEY' ? read('rsa.key') : cert === 'TRUNCATED' ? pem(certOf('rsa.crt').subarray(0, 300)) : cert
    await expectRefused(
      inspectCertificatePair({ cert: certText, key: read('rsa.key') }, { certFile: 'c.pem', keyFile: 'k.pem' }),
      'no readable PEM certificate in c.pem',
    )
  })

  test('a damaged intermediate in the chain: TLS cannot use the pair, naming the block', async () => {
    const chain = `${read('leaf.crt')}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`
    await expectRefused(
      inspectCertificatePair({ cert: chain, key: read('leaf.key') }, { certFile: 'c.pem', keyFile: 'k.pem' }),
      'TLS cannot use c.pem with k.pem: certificate 2 of the chain',
    )
  })

  test('a good chain (leaf + CA) is accepted and described by its leaf', async () => {
    const info = await inspectCertificatePair(
      { cert: read('leaf.crt') + read('rsa.crt'), key: read('leaf.key') },
      { certFile: 'c.pem', keyFile: 'k.pem' },
    )
    expect(info.subject).toBe('CN=leaf.example.test')
  })
})

// The point of the rewrite: PKCS#8 keys and the usual signature algorithms never load node:crypto.
describe('WebCrypto covers the common cases without node:crypto', () => {
  test.each(['rsa', 'p256', 'p384', 'ed25519', 'leaf'] as const)(
    '%s: PKCS#8 key → the certificate’s key',
    async key => {
      const block = pemBlocks(read(`${key}.key`))[0] as { der: Uint8Array }
      const cert = parseCertificate(certDer(`${key}.crt`))
      expect(Buffer.from((await pkcs8PublicKey(block.der)) ?? []).toString('hex')).toBe(
        Buffer.from(cert.publicKey).toString('hex'),
      )
    },
  )

  test.each([
    ['rsa.crt', true],
    ['p256.crt', true],
    ['p384.crt', true],
    ['ed25519.crt', true],
    ['leaf.crt', false], // ECDSA key, signed by the RSA CA: the algorithm does not fit the key
    ['twin.crt', false],
  ] as const)('%s self-signature: %s', async (file, verdict) => {
    const result = await webCryptoSelfSignature(parseCertificate(certDer(file)))
    if (verdict) expect(result).toBe(true)
    else expect(result === undefined || result === false).toBe(true)
  })

  test('a self-signed certificate with one flipped signature bit does not verify', async () => {
    const cert = parseCertificate(certDer('p256.crt'))
    const signature = new Uint8Array(cert.signature)
    signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 1
    expect(await webCryptoSelfSignature({ ...cert, signature })).toBe(false)
  })
})

function certDer(name: string): Uint8Array {
  return (pemBlocks(read(name))[0] as { der: Uint8Array }).der
}
