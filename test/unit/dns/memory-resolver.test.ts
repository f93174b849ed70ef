// The in-memory resolver and the zone semantics it shares with the fake DNS server.
import { describe, expect, test } from 'bun:test'
import { DnsError } from '../../../src/security/dns/dns-error.ts'
import { lookupZone, txtStrings } from '../../../src/security/dns/dns-zone.ts'
import { createMemoryResolver } from '../../../src/security/dns/memory-resolver.ts'

const soa = { mname: 'ns', rname: 'host', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 }
const zone = {
  'Example.Test': {
    SOA: soa,
    MX: [
      { exchange: 'b.example.test', priority: 20 },
      { exchange: 'a.example.test', priority: 10 },
    ],
    TXT: ['v=spf1 -all', ['part1', 'part2']],
    A: ['192.0.2.1'],
  },
  'alias.example.test': { CNAME: 'example.test' },
  'loop1.example.test': { CNAME: 'loop2.example.test' },
  'loop2.example.test': { CNAME: 'loop1.example.test' },
  'x.y.example.test': { A: ['192.0.2.5'] },
  '5.2.0.192.in-addr.arpa': { PTR: ['x.y.example.test'] },
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    return (e as DnsError).code
  }
  return 'resolved'
}

describe('createMemoryResolver', () => {
  const r = createMemoryResolver(zone)

  test('answers like the stub resolver', async () => {
    expect(await r.resolveMx('example.test')).toEqual([
      { exchange: 'a.example.test', priority: 10 },
      { exchange: 'b.example.test', priority: 20 },
    ])
    expect(await r.resolveTxt('EXAMPLE.test.')).toEqual([['v=spf1 -all'], ['part1', 'part2']])
    expect(await r.resolve4('alias.example.test')).toEqual(['192.0.2.1'])
    expect(await r.resolveCname('alias.example.test')).toEqual(['example.test'])
    expect(await r.resolvePtr('192.0.2.5')).toEqual(['x.y.example.test'])
  })

  test('NXDOMAIN, NODATA, empty non-terminals, CNAME loops and bad names', async () => {
    expect(await codeOf(r.resolve4('nope.example.test'))).toBe('ENOTFOUND')
    expect(await codeOf(r.resolve6('example.test'))).toBe('ENODATA')
    expect(await codeOf(r.resolve4('y.example.test'))).toBe('ENODATA')
    expect(await codeOf(r.resolve4('loop1.example.test'))).toBe('ENODATA')
    expect(await codeOf(r.resolve4('a..b'))).toBe('EBADNAME')
  })

  test('forced failures per name and per type, then cleared', async () => {
    const m = createMemoryResolver(zone)
    m.fail('example.test', 'ESERVFAIL', 'TXT')
    m.fail('alias.example.test', 'ETIMEOUT')
    expect(await codeOf(m.resolveTxt('example.test'))).toBe('ESERVFAIL')
    expect(await m.resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(await codeOf(m.resolve4('alias.example.test'))).toBe('ETIMEOUT')
    m.clearFailures()
    expect(await m.resolveTxt('example.test')).toHaveLength(2)
  })

  test('setZone replaces the data; queries are logged', async () => {
    const m = createMemoryResolver()
    expect(await codeOf(m.resolve4('example.test'))).toBe('ENOTFOUND')
    m.setZone(zone)
    expect(await m.resolve4('example.test')).toEqual(['192.0.2.1'])
    expect(m.queries).toEqual([
      { name: 'example.test', type: 'A' },
      { name: 'example.test', type: 'A' },
    ])
  })

  test('errors are DnsErrors with Node-style messages', async () => {
    try {
      await r.resolveTxt('nope.example.test')
      throw new Error('expected a DnsError')
    } catch (e) {
      expect(e).toBeInstanceOf(DnsError)
      expect((e as DnsError).message).toBe('queryTxt ENOTFOUND nope.example.test')
      expect((e as DnsError).kind).toBe('user')
    }
  })
})

describe('zone helpers', () => {
  test('txtStrings splits long strings at 255 bytes and keeps explicit strings', () => {
    expect(txtStrings('a'.repeat(600)).map(s => s.length)).toEqual([255, 255, 90])
    expect(txtStrings(['x', 'y'])).toEqual(['x', 'y'])
    expect(txtStrings('')).toEqual([''])
  })

  test('lookupZone attaches the closest SOA to negative answers only', () => {
    expect(lookupZone(zone, 'nope.x.y.example.test', 'A')).toMatchObject({
      rcode: 'NXDOMAIN',
      soa: { name: 'example.test', data: soa },
    })
    expect(lookupZone(zone, 'example.test', 'AAAA').soa?.name).toBe('example.test')
    expect(lookupZone(zone, 'example.test', 'A').soa).toBeUndefined()
    expect(lookupZone(zone, 'other.test', 'A')).toEqual({ rcode: 'NXDOMAIN', answers: [], soa: undefined })
  })
})
