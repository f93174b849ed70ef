// The stub resolver against test/support/fake-dns.ts over real UDP and TCP on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { manualClock } from '../../../src/core/clock.ts'
import { DnsCache } from '../../../src/security/dns/dns-cache.ts'
import { DnsError } from '../../../src/security/dns/dns-error.ts'
import type { DnsZone } from '../../../src/security/dns/dns-zone.ts'
import { createResolver, type Resolver } from '../../../src/security/dns/resolver.ts'
import { createStubResolver } from '../../../src/security/dns/stub-resolver.ts'
import { parseUpstreamServer } from '../../../src/security/dns/upstream-servers.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'

const soa = {
  mname: 'ns.example.test',
  rname: 'hostmaster.example.test',
  serial: 1,
  refresh: 3600,
  retry: 600,
  expire: 86400,
  minimum: 30,
}
const key255 = 'k'.repeat(255)
const key155 = 'e'.repeat(155)
const long = (i: number) => `record-${i}-`.padEnd(610, String(i))

const zone: DnsZone = {
  'example.test': {
    SOA: soa,
    TXT: [['v=spf1 ip4:192.0.2.1 -all']],
    MX: [
      { exchange: 'mx3.example.test', priority: 30 },
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ],
    A: ['192.0.2.1'],
    AAAA: ['2001:db8::1'],
    ttl: 120,
  },
  'split.example.test': { TXT: [[key255, key155]] },
  'six.example.test': { TXT: [0, 1, 2, 3, 4, 5].map(long) },
  'www.example.test': { CNAME: 'example.test', ttl: 60 },
  '1.2.0.192.in-addr.arpa': { PTR: ['mx1.example.test'] },
  'null-mx.example.test': { MX: [{ exchange: '', priority: 0 }] },
  'deep.sub.example.test': { A: ['192.0.2.7'] },
}

let dns: FakeDns
beforeAll(async () => {
  dns = await startFakeDns(zone)
})
afterAll(() => dns.close())
afterEach(() => {
  dns.setBehavior({})
  dns.setZone(zone)
  dns.queries.length = 0
})

const resolverFor = (servers: string[], timeoutMs = 2000, clock = manualClock()): Resolver =>
  createResolver({ servers, timeoutMs, clock })

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(DnsError)
    return (e as DnsError).code
  }
  throw new Error('expected a DnsError')
}

describe('answers', () => {
  test('a TXT record of two character-strings stays one record (255 + 155 bytes)', async () => {
    const txt = await resolverFor([dns.address]).resolveTxt('split.example.test')
    expect(txt).toEqual([[key255, key155]])
    expect(dns.queries).toEqual([{ name: 'split.example.test', type: 'TXT', transport: 'udp' }])
  })

  test('six 610-byte TXT records come back intact through the TCP fallback', async () => {
    const txt = await resolverFor([dns.address]).resolveTxt('six.example.test')
    expect(txt.map(r => r.join(''))).toEqual([0, 1, 2, 3, 4, 5].map(long))
    expect(txt.every(r => r.length === 3)).toBe(true) // 255 + 255 + 100
    expect(dns.queries.map(q => q.transport)).toEqual(['udp', 'tcp'])
  })

  test('a forced truncation is retried over TCP even for a small answer', async () => {
    dns.setBehavior({ truncateUdp: true })
    expect(await resolverFor([dns.address]).resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(dns.queries.map(q => q.transport)).toEqual(['udp', 'tcp'])
  })

  test('MX records are sorted by priority; a null MX has an empty exchange', async () => {
    const r = resolverFor([dns.address])
    expect(await r.resolveMx('example.test')).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
      { exchange: 'mx3.example.test', priority: 30 },
    ])
    expect(await r.resolveMx('null-mx.example.test')).toEqual([{ exchange: '', priority: 0 }])
  })

  test('A, AAAA, PTR and a CNAME chain', async () => {
    const r = resolverFor([dns.address])
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(await r.resolve6('example.test')).toEqual(['2001:db8::1'])
    expect(await r.resolvePtr('192.0.2.1')).toEqual(['mx1.example.test'])
    expect(await r.resolve4('WWW.Example.Test.')).toEqual(['192.0.2.1'])
    expect(await r.resolveCname('www.example.test')).toEqual(['example.test'])
    expect(await r.query('example.test', 'SOA')).toEqual([soa])
  })

  test('NXDOMAIN is ENOTFOUND and NODATA is ENODATA (also for an empty non-terminal)', async () => {
    const r = resolverFor([dns.address])
    expect(await codeOf(r.resolveTxt('missing.example.test'))).toBe('ENOTFOUND')
    expect(await codeOf(r.resolveMx('split.example.test'))).toBe('ENODATA')
    expect(await codeOf(r.resolve4('sub.example.test'))).toBe('ENODATA')
  })

  test('an invalid name is EBADNAME and sends nothing', async () => {
    const r = resolverFor([dns.address])
    expect(await codeOf(r.resolve4(`${'a'.repeat(64)}.example.test`))).toBe('EBADNAME')
    expect(await codeOf(r.resolve4('a..example.test'))).toBe('EBADNAME')
    expect(dns.queries).toEqual([])
  })
})

describe('failures and failover', () => {
  test('SERVFAIL from the first server → the answer from the second', async () => {
    const broken = await startFakeDns({}, { rcode: 'SERVFAIL' })
    try {
      const txt = await resolverFor([broken.address, dns.address]).resolveTxt('split.example.test')
      expect(txt).toEqual([[key255, key155]])
      expect(broken.queries).toHaveLength(1)
      expect(dns.queries).toHaveLength(1)
    } finally {
      await broken.close()
    }
  })

  test('SERVFAIL and REFUSED from every server', async () => {
    dns.setBehavior({ rcode: 'SERVFAIL' })
    expect(await codeOf(resolverFor([dns.address]).resolve4('example.test'))).toBe('ESERVFAIL')
    dns.setBehavior({ rcode: 'REFUSED' })
    expect(await codeOf(resolverFor([dns.address]).resolve4('example.test'))).toBe('EREFUSED')
  })

  test('no answer → ETIMEOUT; a silent first server fails over to the second', async () => {
    const silent = await startFakeDns(zone, { silent: true })
    try {
      expect(await codeOf(resolverFor([silent.address], 150).resolve4('example.test'))).toBe('ETIMEOUT')
      expect(await resolverFor([silent.address, dns.address], 150).resolve4('example.test')).toEqual(['192.0.2.1'])
    } finally {
      await silent.close()
    }
  })

  test('nothing listening → ECONNREFUSED', async () => {
    const gone = await startFakeDns(zone)
    const address = gone.address
    await gone.close()
    expect(await codeOf(resolverFor([address], 2000).resolve4('example.test'))).toBe('ECONNREFUSED')
  })

  test('a reply with another query id is ignored', async () => {
    dns.setBehavior({ spoofFirst: 'id' })
    expect(await resolverFor([dns.address]).resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(await resolverFor([dns.address]).resolveTxt('split.example.test')).toEqual([[key255, key155]])
  })

  test('a reply for another question is ignored', async () => {
    dns.setBehavior({ spoofFirst: 'question' })
    expect(await resolverFor([dns.address]).resolve4('example.test')).toEqual(['192.0.2.1'])
  })

  test('a server that rejects EDNS is asked again without it (RFC 6891 §7)', async () => {
    dns.setBehavior({ rejectEdns: true })
    expect(await resolverFor([dns.address]).resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(dns.queries).toHaveLength(2)
  })
})

describe('cache', () => {
  test('a cached answer avoids a second query until its TTL passes', async () => {
    const clock = manualClock()
    const r = resolverFor([dns.address], 2000, clock)
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(await r.resolve4('EXAMPLE.test.')).toEqual(['192.0.2.1'])
    expect(dns.queries).toHaveLength(1)
    clock.advance(119_000)
    await r.resolve4('example.test')
    expect(dns.queries).toHaveLength(1)
    clock.advance(1_000) // zone TTL 120 s
    await r.resolve4('example.test')
    expect(dns.queries).toHaveLength(2)
  })

  test('the cache takes the smallest TTL along a CNAME chain', async () => {
    const clock = manualClock()
    const r = resolverFor([dns.address], 2000, clock)
    await r.resolve4('www.example.test')
    clock.advance(60_000) // the CNAME's 60 s, not the target's 120 s
    await r.resolve4('www.example.test')
    expect(dns.queries).toHaveLength(2)
  })

  test('a new answer after expiry replaces the old one', async () => {
    const clock = manualClock()
    const r = resolverFor([dns.address], 2000, clock)
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1'])
    dns.setZone({ ...zone, 'example.test': { ...zone['example.test'], A: ['192.0.2.2'] } })
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1'])
    clock.advance(120_000)
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.2'])
  })

  test('negative answers are cached for the SOA minimum (RFC 2308 §5), not without an SOA', async () => {
    const clock = manualClock()
    const r = resolverFor([dns.address], 2000, clock)
    expect(await codeOf(r.resolve4('nope.example.test'))).toBe('ENOTFOUND')
    expect(await codeOf(r.resolve4('nope.example.test'))).toBe('ENOTFOUND')
    expect(await codeOf(r.resolveMx('split.example.test'))).toBe('ENODATA')
    expect(await codeOf(r.resolveMx('split.example.test'))).toBe('ENODATA')
    expect(dns.queries).toHaveLength(2)
    clock.advance(30_000)
    expect(await codeOf(r.resolve4('nope.example.test'))).toBe('ENOTFOUND')
    expect(dns.queries).toHaveLength(3)

    dns.setZone({ 'other.test': { A: ['192.0.2.9'] } }) // no SOA anywhere
    expect(await codeOf(r.resolve4('nope.other.test'))).toBe('ENOTFOUND')
    expect(await codeOf(r.resolve4('nope.other.test'))).toBe('ENOTFOUND')
    expect(dns.queries).toHaveLength(5)
  })

  test('failures are not cached', async () => {
    dns.setBehavior({ rcode: 'SERVFAIL' })
    const r = resolverFor([dns.address])
    expect(await codeOf(r.resolve4('example.test'))).toBe('ESERVFAIL')
    dns.setBehavior({})
    expect(await r.resolve4('example.test')).toEqual(['192.0.2.1'])
  })

  test('identical lookups in flight share one query', async () => {
    const r = resolverFor([dns.address])
    const answers = await Promise.all([
      r.resolve4('example.test'),
      r.resolve4('example.test'),
      r.resolve4('example.test'),
    ])
    expect(answers).toEqual([['192.0.2.1'], ['192.0.2.1'], ['192.0.2.1']])
    expect(dns.queries).toHaveLength(1)
  })

  test('without a cache every lookup asks', async () => {
    const r = createStubResolver({ servers: [parseUpstreamServer(dns.address)], cache: null })
    await r.resolve4('example.test')
    await r.resolve4('example.test')
    expect(dns.queries).toHaveLength(2)
  })

  test('a shared cache bound is respected', async () => {
    const clock = manualClock()
    const cache = new DnsCache({ clock, maxEntries: 2 })
    const r = createStubResolver({ servers: [parseUpstreamServer(dns.address)], clock, cache })
    await r.resolve4('example.test')
    await r.resolve6('example.test')
    await r.resolveTxt('example.test')
    expect(cache.size).toBe(2)
    await r.resolve4('example.test') // evicted first, asked again
    expect(dns.queries).toHaveLength(4)
  })
})
