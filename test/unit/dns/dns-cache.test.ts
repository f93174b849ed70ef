// The TTL cache on an injected clock.
import { describe, expect, test } from 'bun:test'
import { manualClock } from '../../../src/core/clock.ts'
import { DnsCache } from '../../../src/security/dns/dns-cache.ts'

describe('DnsCache', () => {
  test('an entry lives exactly its TTL', () => {
    const clock = manualClock()
    const cache = new DnsCache({ clock })
    cache.set('a/A', { records: ['192.0.2.1'] }, 60)
    clock.advance(59_999)
    expect(cache.get('a/A')).toEqual({ records: ['192.0.2.1'] })
    clock.advance(1)
    expect(cache.get('a/A')).toBeUndefined()
    expect(cache.size).toBe(0) // expired entries are dropped on read
  })

  test('TTL 0 and negative TTLs are not cached', () => {
    const cache = new DnsCache({ clock: manualClock() })
    cache.set('a/A', { records: [] }, 0)
    cache.set('b/A', { records: [] }, -5)
    expect(cache.size).toBe(0)
  })

  test('positive and negative TTLs are capped separately', () => {
    const clock = manualClock()
    const cache = new DnsCache({ clock, maxTtlSeconds: 100, maxNegativeTtlSeconds: 10 })
    cache.set('pos/A', { records: ['x'] }, 1_000_000)
    cache.set('neg/A', { error: 'ENOTFOUND' }, 1_000_000)
    clock.advance(10_000)
    expect(cache.get('neg/A')).toBeUndefined()
    expect(cache.get('pos/A')).toBeDefined()
    clock.advance(90_000)
    expect(cache.get('pos/A')).toBeUndefined()
  })

  test('the oldest entry goes first when full; re-setting refreshes the position', () => {
    const cache = new DnsCache({ clock: manualClock(), maxEntries: 2 })
    cache.set('a/A', { records: [1] }, 60)
    cache.set('b/A', { records: [2] }, 60)
    cache.set('a/A', { records: [3] }, 60)
    cache.set('c/A', { records: [4] }, 60)
    expect(cache.get('b/A')).toBeUndefined()
    expect(cache.get('a/A')).toEqual({ records: [3] })
    expect(cache.get('c/A')).toEqual({ records: [4] })
    expect(cache.size).toBe(2)
  })

  test('keys ignore case and the trailing dot', () => {
    expect(DnsCache.key('Example.ORG.', 'MX')).toBe(DnsCache.key('example.org', 'MX'))
    expect(DnsCache.key('example.org', 'MX')).not.toBe(DnsCache.key('example.org', 'TXT'))
  })
})
