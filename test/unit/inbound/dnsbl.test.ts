// DNS blocklists (RFC 5782): query names, listed / not listed / non-listing answers, failures that
// fail open (memory resolver and a silent real DNS server), and the MAIL FROM refusal.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { checkDnsbl, reversedAddressName } from '../../../src/antispam/dnsbl.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { createLogger, silentLogger } from '../../../src/core/logger.ts'
import { createMemoryResolver } from '../../../src/security/dns/memory-resolver.ts'
import { createResolver } from '../../../src/security/dns/resolver.ts'
import { startFakeDns } from '../../support/fake-dns.ts'
import { context, type InboundFixture, inboundFixture, mailFrom } from './inbound-fixture.ts'

describe('reversedAddressName', () => {
  test.each([
    ['192.0.2.99', '99.2.0.192'],
    ['127.0.0.2', '2.0.0.127'],
    ['::ffff:198.51.100.7', '7.100.51.198'],
    // RFC 5782 §2.4 example.
    ['2001:db8:1:2:3:4:567:89ab', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2'],
    ['::1', `1${'.0'.repeat(31)}`],
    ['64:ff9b::192.0.2.1', '1.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0'],
  ])('%s → %s', (ip, name) => {
    expect(reversedAddressName(ip)).toBe(name)
  })

  test.each(['', 'localhost', '256.1.1.1', '1.2.3', 'gg::1', '[192.0.2.1]'])('%j is not an address', ip => {
    expect(reversedAddressName(ip)).toBeNull()
  })
})

describe('checkDnsbl over the memory resolver', () => {
  const resolver = createMemoryResolver({
    '99.2.0.192.bl.example': { A: ['127.0.0.2'], TXT: ['listed for spam'] },
    '99.2.0.192.other.example': { A: ['127.0.0.10'] },
    // Spamhaus-style error answer: not a listing (RFC 5782 §2.1 uses 127.0.0.0/24 only).
    '50.2.0.192.bl.example': { A: ['127.255.255.254'] },
    '51.2.0.192.bl.example': { A: ['192.0.2.1'] },
  })
  const options = (zones: string[]) => ({ zones, resolver, logger: silentLogger })

  test('listed', async () => {
    expect(await checkDnsbl('192.0.2.99', options(['bl.example']))).toEqual({
      zone: 'bl.example',
      addresses: ['127.0.0.2'],
    })
  })

  test('the first listing zone in configured order wins; a trailing dot is fine', async () => {
    expect((await checkDnsbl('192.0.2.99', options(['clean.example', 'other.example.', 'bl.example'])))?.zone).toBe(
      'other.example.',
    )
  })

  test.each([
    ['not listed (NXDOMAIN)', '192.0.2.1'],
    ['answer outside 127.0.0.0/24', '192.0.2.50'],
    ['non-loopback answer', '192.0.2.51'],
    ['not an IP', 'unknown'],
  ])('%s → null', async (_name, ip) => {
    expect(await checkDnsbl(ip, options(['bl.example']))).toBeNull()
  })

  test('no zones: no queries', async () => {
    const before = resolver.queries.length
    expect(await checkDnsbl('192.0.2.99', options([]))).toBeNull()
    expect(resolver.queries.length).toBe(before)
  })

  test('a failing zone fails open and is logged; another zone still answers', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'warn', format: 'json', sink: l => lines.push(l) })
    const failing = createMemoryResolver({ '99.2.0.192.good.example': { A: ['127.0.0.4'] } })
    failing.fail('99.2.0.192.down.example', 'ESERVFAIL')
    expect(await checkDnsbl('192.0.2.99', { zones: ['down.example'], resolver: failing, logger })).toBeNull()
    expect(lines.join('\n')).toContain('DNSBL lookup failed')
    expect(
      (await checkDnsbl('192.0.2.99', { zones: ['down.example', 'good.example'], resolver: failing, logger }))?.zone,
    ).toBe('good.example')
  })
})

describe('timeouts against a real (silent) DNS server fail open', () => {
  test('ETIMEOUT → not listed', async () => {
    const dns = await startFakeDns({}, { silent: true })
    try {
      const resolver = createResolver({ servers: [dns.address], timeoutMs: 100, clock: manualClock() })
      expect(await checkDnsbl('192.0.2.99', { zones: ['bl.example'], resolver, logger: silentLogger })).toBeNull()
      expect(dns.queries.some(q => q.name === '99.2.0.192.bl.example')).toBe(true)
    } finally {
      await dns.close()
    }
  })
})

describe('MAIL FROM with DNSBL zones configured', () => {
  let f: InboundFixture
  beforeAll(async () => {
    f = await inboundFixture({ configure: c => (c.smtp.inbound.dnsblZones = ['bl.example']) })
    f.memory.setZone({ '99.2.0.192.bl.example': { A: ['127.0.0.2'] } })
  })
  afterAll(() => f.cleanup())

  test('a listed client is refused with 554 5.7.1 naming the zone', async () => {
    const r = await f.pipeline.mailFrom(context({ remoteAddress: '::ffff:192.0.2.99' }), mailFrom('a@b.example'))
    expect(r.ok).toBe(false)
    expect(r.reply).toMatchObject({ code: 554, enhanced: '5.7.1' })
    expect(r.reply.lines.join(' ')).toContain('bl.example')
    expect(f.metrics.counter('smtp_rejections_total', '').get({ port: 'mx', reason: 'dnsbl' })).toBe(1)
  })

  test('an unlisted client, an authenticated client and trap mode are not refused', async () => {
    expect((await f.pipeline.mailFrom(context({ remoteAddress: '192.0.2.1' }), mailFrom('a@b.example'))).ok).toBe(true)
    await f.storage.domains.add('local.test')
    const id = await f.account('ann@local.test')
    const auth = context({ remoteAddress: '192.0.2.99', auth: { accountId: id, email: 'ann@local.test' } })
    expect((await f.pipeline.mailFrom(auth, mailFrom('ann@local.test'))).ok).toBe(true)
    expect(
      (await f.pipeline.mailFrom(context({ remoteAddress: '192.0.2.99', trap: true }), mailFrom('x@y.example'))).ok,
    ).toBe(true)
  })
})
