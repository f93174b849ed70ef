// STARTTLS over real sockets with node:tls as the client (tls.connect({ socket })), the injection case
// (CVE-2011-0411 class), implicit TLS and the TLS version floor.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { type RunningListener, startListener } from '../../../src/net/listener.ts'
import type { CertificatePair } from '../../../src/net/transport.ts'
import { createSelfSignedCertificate } from '../../../src/security/tls/self-signed.ts'
import { LineClient, eventually } from './helpers/line-client.ts'
import { type ToyLog, type ToyOptions, newToyLog, toyFactory } from './helpers/toy-session.ts'

let pair: CertificatePair
const running: RunningListener[] = []
const clients: LineClient[] = []

beforeAll(async () => {
  pair = await createSelfSignedCertificate({ hostname: 'mx.example.test' })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(running.splice(0).map(l => l.stop({ graceMs: 0 })))
})

function listen(
  log: ToyLog,
  options: { tls?: 'none' | 'implicit'; toy?: ToyOptions; withCert?: boolean; min?: 'TLSv1.2' | 'TLSv1.3' } = {},
) {
  const listener = startListener({
    name: 'toy',
    hostname: '127.0.0.1',
    port: 0,
    tls: options.tls ?? 'none',
    tlsProvider: options.withCert === false ? undefined : { current: () => pair },
    minTlsVersion: options.min,
    factory: toyFactory(log, options.toy),
  })
  running.push(listener)
  return listener
}

async function connect(port: number) {
  const client = await LineClient.connect(port)
  clients.push(client)
  return client
}

describe('STARTTLS', () => {
  test('upgrades, resets the session and continues over TLS (node tls.connect({ socket }))', async () => {
    const log = newToyLog()
    const { port } = listen(log)
    const plain = await connect(port)
    expect(await plain.readReply()).toBe('220 toy ESMTP')
    plain.write('EHLO client\r\n')
    expect(await plain.readReply()).toContain('250-STARTTLS')
    plain.write('STARTTLS\r\n')
    expect(await plain.readReply()).toBe('220 2.0.0 Ready to start TLS')
    const secure = await plain.upgrade({ ca: pair.cert })
    clients.push(secure)
    expect((secure.socket as import('node:tls').TLSSocket).authorized).toBe(true)
    secure.write('EHLO client\r\n')
    const ehlo = await secure.readReply()
    expect(ehlo).not.toContain('STARTTLS') // RFC 3207 §4.2: not offered again after the handshake
    secure.write('NOOP after\r\n')
    expect(await secure.readReply()).toBe('250 2.0.0 NOOP after (tls)')
    expect(log.tlsStarted).toBe(1)
    const t = log.transports[0]
    expect(t?.secure).toBe(true)
    expect(t?.tlsInfo?.protocol).toBe('TLSv1.3')
    expect(t?.tlsInfo?.cipher).toMatch(/^TLS_/)
    secure.write('QUIT\r\n')
    expect(await secure.readReply()).toBe('221 2.0.0 Bye')
    await secure.closed
    await eventually(() => log.closes.length === 1)
    expect(log.closes).toEqual(['server'])
  })

  test('a command pipelined behind STARTTLS in the same segment is never executed', async () => {
    const log = newToyLog()
    const { port } = listen(log)
    const plain = await connect(port)
    await plain.readReply()
    plain.write('EHLO client\r\n')
    await plain.readReply()
    plain.write('STARTTLS\r\nNOOP injected\r\n')
    expect(await plain.readReply()).toBe('220 2.0.0 Ready to start TLS')
    const secure = await plain.upgrade({ ca: pair.cert })
    clients.push(secure)
    secure.write('NOOP real\r\n')
    // The first reply inside TLS answers the command sent inside TLS, not the injected one.
    expect(await secure.readReply()).toBe('250 2.0.0 NOOP real (tls)')
    expect(log.executed).toEqual(['plain:EHLO client', 'plain:STARTTLS', 'tls:NOOP real'])
  })

  test('plaintext that arrives in a later segment before the handshake is discarded', async () => {
    const log = newToyLog()
    const { port } = listen(log)
    const plain = await connect(port)
    await plain.readReply()
    plain.write('STARTTLS\r\n')
    expect(await plain.readReply()).toBe('220 2.0.0 Ready to start TLS')
    // Not a ClientHello: the server must not treat it as a command; the handshake fails.
    plain.write('NOOP late\r\n')
    await plain.closed
    await eventually(() => log.closes.length === 1)
    expect(log.executed).toEqual(['plain:STARTTLS'])
    expect(log.closes).toEqual(['error'])
  })

  test('a naive session that keeps parsing after STARTTLS cannot answer the injected command', async () => {
    const log = newToyLog()
    const { port } = listen(log, { toy: { clearOnStartTls: false } })
    const plain = await connect(port)
    await plain.readReply()
    plain.write('STARTTLS\r\nNOOP injected\r\n')
    expect(await plain.readReply()).toBe('220 2.0.0 Ready to start TLS')
    const secure = await plain.upgrade({ ca: pair.cert })
    clients.push(secure)
    secure.write('NOOP real\r\n')
    // The naive session ran it, but its reply was dropped: the transport refuses writes until the
    // handshake completes, so nothing injected can be answered inside the TLS session.
    expect(log.executed).toContain('plain:NOOP injected')
    expect(await secure.readReply()).toBe('250 2.0.0 NOOP real (tls)')
  })

  test('STARTTLS without a certificate is refused with 454 and the session continues in plaintext', async () => {
    const log = newToyLog()
    const { port } = listen(log, { withCert: false })
    const plain = await connect(port)
    await plain.readReply()
    plain.write('STARTTLS\r\n')
    expect(await plain.readReply()).toBe('220 2.0.0 Ready to start TLS')
    expect(await plain.readReply()).toBe('454 4.7.0 TLS not available')
    plain.write('NOOP still\r\n')
    expect(await plain.readReply()).toBe('250 2.0.0 NOOP still (plain)')
  })

  test('each STARTTLS reads the provider, so a new certificate applies to the next upgrade', async () => {
    const second = await createSelfSignedCertificate({ hostname: 'mx2.example.test' })
    let current = pair
    const log = newToyLog()
    const listener = startListener({
      name: 'toy',
      hostname: '127.0.0.1',
      port: 0,
      tls: 'none',
      tlsProvider: { current: () => current },
      factory: toyFactory(log),
    })
    running.push(listener)
    const subjects: string[] = []
    for (const expected of [pair, second]) {
      current = expected
      const plain = await connect(listener.port)
      await plain.readReply()
      plain.write('STARTTLS\r\n')
      await plain.readReply()
      const secure = await plain.upgrade({ ca: expected.cert })
      clients.push(secure)
      subjects.push(String((secure.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN))
    }
    expect(subjects).toEqual(['mx.example.test', 'mx2.example.test'])
  })
})

describe('implicit TLS', () => {
  test('the session starts after the handshake, secure from the first byte', async () => {
    const log = newToyLog()
    const { port } = listen(log, { tls: 'implicit' })
    const client = await LineClient.connectTls(port, { ca: pair.cert })
    clients.push(client)
    expect(await client.readReply()).toBe('220 toy ESMTP')
    client.write('EHLO c\r\n')
    expect(await client.readReply()).not.toContain('STARTTLS')
    client.write('STARTTLS\r\n')
    expect(await client.readReply()).toBe('503 5.5.1 TLS already active')
    expect(log.transports[0]?.secure).toBe(true)
  })

  test.each([
    ['TLSv1.2', 'TLSv1.2'],
    ['TLSv1.3', 'TLSv1.3'],
  ] as const)('a %s client is accepted', async (version, expected) => {
    const log = newToyLog()
    const { port } = listen(log, { tls: 'implicit' })
    const client = await LineClient.connectTls(port, { ca: pair.cert, minVersion: version, maxVersion: version })
    clients.push(client)
    expect(await client.readReply()).toBe('220 toy ESMTP')
    expect(log.transports[0]?.tlsInfo?.protocol).toBe(expected)
  })

  test('minTlsVersion TLSv1.3 refuses a TLS 1.2 client', async () => {
    const log = newToyLog()
    const { port } = listen(log, { tls: 'implicit', min: 'TLSv1.3' })
    const attempt = LineClient.connectTls(port, { ca: pair.cert, maxVersion: 'TLSv1.2' })
    await expect(attempt).rejects.toThrow()
    expect(log.transports).toHaveLength(0)
  })

  test('plaintext sent to an implicit TLS port fails the handshake and closes', async () => {
    const log = newToyLog()
    const listener = listen(log, { tls: 'implicit' })
    const client = await connect(listener.port)
    client.write('EHLO plain\r\n')
    await client.closed
    await eventually(() => listener.connections === 0)
    expect(log.transports).toHaveLength(0)
  })
})

afterAll(() => {
  for (const c of clients) c.close()
})
