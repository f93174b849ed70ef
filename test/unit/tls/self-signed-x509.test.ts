// The self-signed certificate written by our own DER writer, read by three independent parsers
// (OpenSSL's command line, node:crypto's X509Certificate, the project's inspectCertificatePair) and
// used in a real TLS handshake (Bun.listen server, node:tls client verifying it as its only CA).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import type { CertificatePair } from '../../../src/net/transport.ts'
import { inspectCertificatePair } from '../../../src/security/tls/certificate-info.ts'
import { createSelfSignedCertificate } from '../../../src/security/tls/self-signed.ts'

const NOW = new Date('2026-03-01T00:00:00Z')
let dir: string
let ec: CertificatePair
let rsa: CertificatePair

function openssl(...args: string[]): string {
  const run = Bun.spawnSync(['openssl', ...args], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
  if (run.exitCode !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr.toString()}`)
  return run.stdout.toString()
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'self-signed-x509-'))
  ec = await createSelfSignedCertificate({ hostname: 'MX.Example.Test', extraNames: ['2001:db8::25'], now: NOW })
  rsa = await createSelfSignedCertificate({ hostname: 'rsa.example.test', keyKind: 'rsa-2048', now: NOW })
  for (const [name, pair] of Object.entries({ ec, rsa })) {
    fs.writeFileSync(path.join(dir, `${name}.crt`), pair.cert)
    fs.writeFileSync(path.join(dir, `${name}.key`), pair.key)
  }
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('openssl reads it', () => {
  test('ECDSA P-256: subject, SANs, validity, extensions, signature', () => {
    const text = openssl('x509', '-in', 'ec.crt', '-noout', '-text')
    expect(text).toContain('Version: 3 (0x2)')
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256')
    expect(text).toContain('Issuer: CN = MX.Example.Test')
    expect(text).toContain('Subject: CN = MX.Example.Test')
    expect(text).toContain('Not Before: Feb 28 23:59:00 2026 GMT')
    expect(text).toContain('Not After : Jun  3 00:00:00 2028 GMT')
    expect(text).toContain('ASN1 OID: prime256v1')
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/)
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/)
    expect(text).toMatch(/Extended Key Usage: \s+TLS Web Server Authentication\n/)
    expect(text).toContain(
      'DNS:mx.example.test, IP Address:2001:DB8:0:0:0:0:0:25, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    )
    expect(text).toContain('Subject Key Identifier')
  })

  test('RSA 2048: sha256WithRSAEncryption, keyEncipherment allowed', () => {
    const text = openssl('x509', '-in', 'rsa.crt', '-noout', '-text')
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption')
    expect(text).toContain('Public-Key: (2048 bit)')
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/)
  })

  test.each(['ec', 'rsa'])('%s: the signature verifies with its own key, and the key file matches', name => {
    expect(openssl('verify', '-CAfile', `${name}.crt`, '-purpose', 'sslserver', `${name}.crt`)).toBe(
      `${name}.crt: OK\n`,
    )
    expect(openssl('pkey', '-in', `${name}.key`, '-pubout')).toBe(
      openssl('x509', '-in', `${name}.crt`, '-noout', '-pubkey'),
    )
  })

  test('checkhost / checkip agree with the SANs', () => {
    expect(openssl('x509', '-in', 'ec.crt', '-noout', '-checkhost', 'mx.example.test')).toContain('does match')
    expect(openssl('x509', '-in', 'ec.crt', '-noout', '-checkhost', 'other.example.test')).toContain('does NOT match')
    expect(openssl('x509', '-in', 'ec.crt', '-noout', '-checkip', '::1')).toContain('does match')
  })

  test('a validity ending after 2049 is written as GeneralizedTime', async () => {
    const late = await createSelfSignedCertificate({ hostname: 'late.test', now: new Date('2049-06-01T00:00:00Z') })
    fs.writeFileSync(path.join(dir, 'late.crt'), late.cert)
    const tree = openssl('asn1parse', '-in', 'late.crt')
    expect(tree).toContain('UTCTIME           :490531235900Z')
    expect(tree).toContain('GENERALIZEDTIME   :20510904000000Z')
    expect(openssl('x509', '-in', 'late.crt', '-noout', '-enddate')).toBe('notAfter=Sep  4 00:00:00 2051 GMT\n')
  })
})

describe('node:crypto reads it', () => {
  test.each(['ec', 'rsa'] as const)('%s: key matches, self-signature verifies, serial positive', name => {
    const pair = name === 'ec' ? ec : rsa
    const cert = new X509Certificate(pair.cert)
    expect(cert.checkPrivateKey(createPrivateKey(pair.key))).toBe(true)
    expect(cert.verify(cert.publicKey)).toBe(true)
    expect(cert.ca).toBe(false)
    expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/) // 16 octets, sign bit clear
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-02-28T23:59:00.000Z')
  })

  test('a flipped signature bit no longer verifies (the check can fail)', () => {
    const der = new X509Certificate(ec.cert).raw
    der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01
    const broken = new X509Certificate(der)
    expect(broken.verify(broken.publicKey)).toBe(false)
  })
})

test.each(['ec', 'rsa'] as const)('inspectCertificatePair accepts the %s pair', async name => {
  const pair = name === 'ec' ? ec : rsa
  const info = await inspectCertificatePair(pair, { certFile: `${name}.crt`, keyFile: `${name}.key` })
  expect(info.selfSigned).toBe(true)
  expect(info.subject).toBe(name === 'ec' ? 'CN=MX.Example.Test' : 'CN=rsa.example.test')
  expect(info.issuer).toBe(info.subject)
  expect(info.notBefore.toISOString()).toBe('2026-02-28T23:59:00.000Z')
  expect(info.notAfter.toISOString()).toBe('2028-06-03T00:00:00.000Z')
  expect(info.sans).toContain('localhost')
  expect(info.fingerprint256).toBe(new X509Certificate(pair.cert).fingerprint256)
})

test('a subject outside PrintableString becomes a UTF8String', async () => {
  const pair = await createSelfSignedCertificate({ hostname: 'mail_1.example.test' })
  fs.writeFileSync(path.join(dir, 'utf8.crt'), pair.cert)
  expect(openssl('asn1parse', '-in', 'utf8.crt')).toContain('UTF8STRING        :mail_1.example.test')
  expect(new X509Certificate(pair.cert).subject).toBe('CN=mail_1.example.test')
})

test('a non-ASCII SAN is refused (dNSName is IA5String: pass A-labels)', async () => {
  await expect(createSelfSignedCertificate({ hostname: 'mail.bücher.test' })).rejects.toThrow(RangeError)
})

test.each(['ec', 'rsa'] as const)(
  '%s: TLS handshake, Bun.listen server and node:tls client trusting only it',
  async name => {
    const pair = name === 'ec' ? ec : rsa
    const server = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      tls: pair,
      socket: { open: socket => void socket.end('hello\n'), data() {} },
    })
    try {
      const { promise, resolve, reject } = Promise.withResolvers<{ authorized: boolean; data: string }>()
      const client = tls.connect({
        host: '127.0.0.1',
        port: server.port,
        servername: name === 'ec' ? 'mx.example.test' : 'rsa.example.test',
        ca: pair.cert,
      })
      let data = ''
      client.on('data', chunk => (data += chunk))
      client.on('end', () => resolve({ authorized: client.authorized, data }))
      client.on('error', reject)
      const result = await promise
      client.destroy()
      expect(result.authorized).toBe(true)
      expect(result.data).toBe('hello\n')
    } finally {
      server.stop(true)
    }
  },
)

test('node:tls refuses the certificate for a host it does not name', async () => {
  const server = Bun.listen({ hostname: '127.0.0.1', port: 0, tls: ec, socket: { data() {} } })
  try {
    const { promise, resolve } = Promise.withResolvers<Error>()
    const client = tls.connect({ host: '127.0.0.1', port: server.port, servername: 'other.example.test', ca: ec.cert })
    client.on('error', resolve)
    client.on('secureConnect', () => resolve(new Error('connected')))
    const error = (await promise) as Error & { code?: string }
    client.destroy()
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
  } finally {
    server.stop(true)
  }
})
