import { describe, expect, test } from 'bun:test'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { createSelfSignedCertificate, selfSignedNames } from '../../../src/security/tls/self-signed.ts'

describe('createSelfSignedCertificate', () => {
  test('ECDSA P-256 by default, SANs for the host and loopback, key matches', async () => {
    const now = new Date('2026-03-01T00:00:00Z')
    const pair = await createSelfSignedCertificate({ hostname: 'Mail.Example.Test', now })
    const cert = new X509Certificate(pair.cert)
    const key = createPrivateKey(pair.key)
    expect(key.asymmetricKeyType).toBe('ec')
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(cert.checkPrivateKey(key)).toBe(true)
    expect(cert.subject).toBe('CN=Mail.Example.Test')
    expect(cert.subjectAltName).toBe(
      'DNS:mail.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    )
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(now.getTime())
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 825 * 86_400_000)
    expect(cert.ca).toBe(false)
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1') // serverAuth
  })

  test('RSA 2048 on request; serial numbers differ', async () => {
    const a = await createSelfSignedCertificate({ hostname: 'a.test', keyKind: 'rsa-2048', validDays: 10 })
    const b = await createSelfSignedCertificate({ hostname: 'a.test' })
    const key = createPrivateKey(a.key)
    expect(key.asymmetricKeyType).toBe('rsa')
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(new X509Certificate(a.cert).serialNumber).not.toBe(new X509Certificate(b.cert).serialNumber)
  })

  test('a Bun TLS server can use it and a client that trusts it verifies the host', async () => {
    const pair = await createSelfSignedCertificate({ hostname: 'mx.example.test' })
    const server = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      tls: pair,
      socket: { open: s => void s.end('ok'), data() {} },
    })
    try {
      const { promise, resolve, reject } = Promise.withResolvers<boolean>()
      await Bun.connect({
        hostname: '127.0.0.1',
        port: server.port,
        tls: { ca: pair.cert, serverName: 'mx.example.test' },
        socket: { handshake: (_s, ok, err) => (ok && !err ? resolve(true) : reject(err)), data() {} },
      })
      expect(await promise).toBe(true)
    } finally {
      server.stop(true)
    }
  })
})

test('selfSignedNames: lower-cased, loopback added, no duplicates', () => {
  expect(selfSignedNames('MX.example.test', ['localhost', 'imap.example.test'])).toEqual([
    'mx.example.test',
    'localhost',
    'imap.example.test',
    '127.0.0.1',
    '::1',
  ])
})
