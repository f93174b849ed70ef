// Outbound TLS: opportunistic STARTTLS, MTA-STS (RFC 8461) enforce/testing with good and bad
// certificates, the policy cache (id, max_age), REQUIRETLS (RFC 8689), configured verification,
// and the TLS-RPT counters these sessions leave behind.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { manualClock } from '../../../src/core/clock.ts'
import type { Config } from '../../../src/config/schema.ts'
import { type TlsReportStore } from '../../../src/delivery/tls-rpt/tls-report-store.ts'
import { type FakeMx, startFakeMx } from '../../support/fake-mx.ts'
import { type PemPair, type TestCa, createTestCa } from '../../support/test-ca.ts'
import { type DeliveryFixture, makeAttempt, startDeliveryFixture } from './support/delivery-fixture.ts'
import { type MtaStsStub, enforcePolicy, startMtaStsStub, testingPolicy } from './support/mta-sts-stub.ts'

let fx: DeliveryFixture
let sts: MtaStsStub
let good: PemPair
let wrongName: PemPair
let expired: PemPair
let untrusted: PemPair
let otherCa: TestCa
const servers: FakeMx[] = []
let reports: TlsReportStore

const zone = (txtId = '1') => ({
  'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }] },
  'mx.example.test': { A: ['127.0.0.1'] },
  '_mta-sts.example.test': { TXT: [`v=STSv1; id=${txtId};`] },
  'mta-sts.example.test': { A: ['127.0.0.1'] },
})

beforeAll(async () => {
  fx = await startDeliveryFixture()
  good = await fx.ca.issue(['mx.example.test'])
  wrongName = await fx.ca.issue(['other.example.test'])
  expired = await fx.ca.issue(['mx.example.test'], { expired: true })
  otherCa = await createTestCa('Nobody Trusts This CA')
  untrusted = await otherCa.issue(['mx.example.test'])
  sts = await startMtaStsStub(await fx.ca.issue(['mta-sts.example.test']), enforcePolicy())
})
afterAll(async () => {
  await sts.close()
  await fx.close()
})
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  sts.setPolicy(enforcePolicy())
  sts.requests.length = 0
  fx.resetDatabase()
})

const mx = async (options: Parameters<typeof startFakeMx>[0]) => {
  const server = await startFakeMx({ hostname: 'mx.example.test', ...options })
  servers.push(server)
  return server
}

function configFor(port: number, change?: (c: Config) => void): Config {
  return fx.config(c => {
    c.delivery.direct.port = port
    c.delivery.mtaSts.port = sts.port
    change?.(c)
  })
}

function transportFor(port: number, change?: (c: Config) => void, clock = manualClock(Date.now())) {
  reports = fx.reportStore()
  return fx.transport(configFor(port, change), { tlsReports: reports }, clock)
}

/** Commands the MX received in clear after the greeting, other than EHLO/STARTTLS. */
const sentInClear = (server: FakeMx) =>
  server.commands.filter(c => !c.tls && !/^(EHLO|STARTTLS)/i.test(c.line)).map(c => c.line)

const counts = () => {
  reports.flush()
  const day = new Date().toISOString().slice(0, 10)
  return reports.read(day).get('example.test') ?? []
}

describe('opportunistic TLS (no policy)', () => {
  test('STARTTLS is used when offered, even with a certificate nobody trusts', async () => {
    const server = await mx({ tls: untrusted })
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.tls).toBe(true)
    expect(sentInClear(server)).toEqual([])
  })

  test('without STARTTLS the message goes in clear', async () => {
    const server = await mx({})
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.tls).toBe(false)
  })

  test('a broken handshake falls back to a new connection without TLS', async () => {
    // The server says 220 to STARTTLS but stays in plaintext: the client's handshake fails.
    const server = await mx({ tls: good, respond: c => (c.verb === 'STARTTLS' ? '220 2.0.0 go ahead' : undefined) })
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'delivered' })
    expect(server.transactions[0]?.tls).toBe(false)
    expect(server.connectionCount).toBe(2)
  })
})

describe('MTA-STS enforce', () => {
  test('a valid certificate for the MX name: delivered over TLS, success counted', async () => {
    const server = await mx({ tls: good })
    fx.dns.setZone(zone())
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.tls).toBe(true)
    expect(sts.requests).toEqual([{ host: 'mta-sts.example.test', path: '/.well-known/mta-sts.txt' }])
    const [policy] = counts()
    expect(policy?.policy).toMatchObject({ policyType: 'sts', mxHost: ['mx.example.test'] })
    expect(policy?.successCount).toBeGreaterThanOrEqual(1)
  })

  const bad: [string, () => PemPair, string][] = [
    ['a certificate for another name', () => wrongName, 'certificate-host-mismatch'],
    ['an untrusted certificate', () => untrusted, 'certificate-not-trusted'],
    ['an expired certificate', () => expired, 'certificate-expired'],
  ]
  for (const [what, cert, resultType] of bad) {
    test(`${what}: deferred, nothing sent in clear, ${resultType} counted`, async () => {
      const server = await mx({ tls: cert() })
      fx.dns.setZone(zone())
      const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
      expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.5' })
      expect(server.transactions).toHaveLength(0)
      expect(sentInClear(server)).toEqual([])
      expect(server.commands.some(c => c.line.startsWith('MAIL'))).toBe(false)
      const failures = counts().flatMap(p => p.failures)
      expect(failures).toContainEqual(
        expect.objectContaining({ resultType, receivingMxHostname: 'mx.example.test', receivingIp: '127.0.0.1' }),
      )
    })
  }

  test('no STARTTLS offered: deferred without sending anything in clear', async () => {
    const server = await mx({})
    fx.dns.setZone(zone())
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.4' })
    expect(sentInClear(server).filter(l => l !== 'QUIT')).toEqual([])
    expect(counts().flatMap(p => p.failures)).toContainEqual(
      expect.objectContaining({ resultType: 'starttls-not-supported' }),
    )
  })

  test('an MX the policy does not list is never contacted', async () => {
    const server = await mx({ tls: good })
    sts.setPolicy(enforcePolicy('*.elsewhere.test'))
    fx.dns.setZone(zone())
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.5' })
    expect(server.connectionCount).toBe(0)
  })

  test('a wildcard pattern matches one label', async () => {
    const server = await mx({ tls: good })
    sts.setPolicy(enforcePolicy('*.example.test'))
    fx.dns.setZone(zone())
    expect((await transportFor(server.port).deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
  })
})

describe('MTA-STS testing mode', () => {
  test('a bad certificate is reported but the message is delivered', async () => {
    const server = await mx({ tls: wrongName })
    sts.setPolicy(testingPolicy())
    fx.dns.setZone(zone())
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.tls).toBe(true)
    const [policy] = counts()
    expect(policy?.policy.policyString).toContain('mode: testing')
    expect(policy?.failures).toContainEqual(expect.objectContaining({ resultType: 'certificate-host-mismatch' }))
  })
})

describe('MTA-STS policy cache', () => {
  test('fetched once per id; refetched when the id changes or max_age passed', async () => {
    const server = await mx({ tls: good })
    sts.setPolicy(enforcePolicy('mx.example.test', 3600))
    fx.dns.setZone(zone('1'))
    const clock = manualClock(Date.now())
    const transport = transportFor(server.port, undefined, clock)
    const send = async () => (await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status
    expect(await send()).toBe('delivered')
    expect(await send()).toBe('delivered')
    expect(sts.requests).toHaveLength(1)
    fx.dns.setZone(zone('2'))
    // The transport's resolver caches the TXT answer (300 s): move past it.
    clock.advance(301_000)
    expect(await send()).toBe('delivered')
    expect(sts.requests.length).toBeGreaterThanOrEqual(1)
  })

  test('a cached enforce policy survives a vanished TXT record and a dead policy host', async () => {
    const server = await mx({ tls: wrongName })
    fx.dns.setZone(zone('7'))
    const clock = manualClock(Date.now())
    const first = transportFor(server.port, undefined, clock)
    expect((await first.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('deferred')
    // An attacker removes the TXT record and breaks the policy host: the cached policy still applies
    // (a new transport reads it from the database, as after a restart).
    fx.dns.setZone({ ...zone('7'), '_mta-sts.example.test': {} })
    sts.setPolicy({ status: 500 })
    const second = transportFor(server.port, undefined, clock)
    expect((await second.deliver(makeAttempt(['bob@example.test'])))[0]).toMatchObject({ status: 'deferred' })
    expect(server.transactions).toHaveLength(0)
  })

  test('the policy expires after max_age; then the domain is treated as having none', async () => {
    const server = await mx({ tls: wrongName })
    sts.setPolicy(enforcePolicy('mx.example.test', 60))
    fx.dns.setZone(zone('exp1'))
    const clock = manualClock(Date.now())
    const transport = transportFor(server.port, undefined, clock)
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('deferred')
    fx.dns.setZone({ ...zone('exp1'), '_mta-sts.example.test': {} })
    clock.advance(301_000) // past max_age (60 s) and the DNS cache (300 s)
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
  })

  test('a failed fetch without a cached policy: opportunistic delivery and sts-policy-fetch-error counted', async () => {
    const server = await mx({ tls: wrongName })
    sts.setPolicy({ status: 404 })
    fx.dns.setZone(zone('fail1'))
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test']))
    expect(result?.status).toBe('delivered')
    expect(counts().flatMap(p => p.failures)).toContainEqual(
      expect.objectContaining({ resultType: 'sts-policy-fetch-error' }),
    )
  })

  test('a policy served with the wrong media type or bad syntax is invalid', async () => {
    const server = await mx({ tls: wrongName })
    sts.setPolicy({ status: 200, body: enforcePolicy(), contentType: 'text/html' })
    fx.dns.setZone(zone('bad1'))
    expect((await transportFor(server.port).deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(counts().flatMap(p => p.failures)).toContainEqual(
      expect.objectContaining({ resultType: 'sts-policy-invalid' }),
    )
  })
})

describe('REQUIRETLS (RFC 8689)', () => {
  test('with an MTA-STS policy, a verified certificate and REQUIRETLS offered: delivered with REQUIRETLS', async () => {
    const server = await mx({ tls: good, extensions: ['PIPELINING', 'REQUIRETLS', '8BITMIME'] })
    sts.setPolicy(testingPolicy())
    fx.dns.setZone(zone('rt1'))
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test'], { requireTls: true }))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.mailFrom).toBe('<ann@sender.example.test> REQUIRETLS')
    expect(server.transactions[0]?.tls).toBe(true)
  })

  test('the MX does not offer REQUIRETLS: failed 5.7.30, nothing sent', async () => {
    const server = await mx({ tls: good })
    fx.dns.setZone(zone('rt2'))
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test'], { requireTls: true }))
    expect(result).toMatchObject({ status: 'failed', enhancedStatus: '5.7.30' })
    expect(server.transactions).toHaveLength(0)
  })

  test('no MTA-STS policy to validate the MX: failed 5.7.30 without connecting', async () => {
    const server = await mx({ tls: good, extensions: ['REQUIRETLS'] })
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test'], { requireTls: true }))
    expect(result).toMatchObject({ status: 'failed', enhancedStatus: '5.7.30' })
    expect(server.connectionCount).toBe(0)
  })

  test('even under a testing policy, REQUIRETLS needs a verified certificate', async () => {
    const server = await mx({ tls: untrusted, extensions: ['REQUIRETLS'] })
    sts.setPolicy(testingPolicy())
    fx.dns.setZone(zone('rt4'))
    const [result] = await transportFor(server.port).deliver(makeAttempt(['bob@example.test'], { requireTls: true }))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.5' })
    expect(server.transactions).toHaveLength(0)
  })
})

describe('verified TLS by configuration', () => {
  test('delivery.direct.verifyDomains requires a valid certificate without any policy', async () => {
    const server = await mx({ tls: untrusted })
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const transport = transportFor(server.port, c => {
      c.delivery.direct.verifyDomains = ['example.test']
    })
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]).toMatchObject({ status: 'deferred' })
    expect(server.transactions).toHaveLength(0)
  })

  test('delivery.direct.tls = verify with the test CA from delivery.trustedCaFiles', async () => {
    const server = await mx({ tls: good })
    fx.dns.setZone({ ...zone(), '_mta-sts.example.test': {} })
    const config = configFor(server.port, c => {
      c.delivery.direct.tls = 'verify'
      c.delivery.trustedCaFiles = [fx.caFile]
    })
    // No trust store passed in: the transport reads the CA file named in the config.
    const transport = fx.transport(config, { trust: undefined })
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(server.transactions[0]?.tls).toBe(true)
  })
})
