// A small answer cache. Positive answers live for the smallest TTL of the records used (RFC 2181
// §5.2: the TTLs of an RRset are equal; we take the minimum across the CNAME chain too). Negative
// answers (NXDOMAIN, NODATA) live for min(SOA TTL, SOA MINIMUM) when the reply carried the zone's
// SOA (RFC 2308 §5), and are not cached without one. Both are capped. Oldest entries go first when
// the cache is full. Time comes from the injected clock.
import type { Clock } from '../../core/clock.ts'
import type { DnsErrorCode } from './dns-error.ts'

export type CachedAnswer = { records: readonly unknown[] } | { error: DnsErrorCode }

interface Entry {
  answer: CachedAnswer
  expiresAt: number
}

export interface DnsCacheOptions {
  clock: Clock
  maxEntries?: number
  /** Longest time any answer is kept, seconds (default one day). */
  maxTtlSeconds?: number
  /** Longest time a negative answer is kept, seconds (RFC 2308 §5 suggests 1–3 hours; default 3 hours). */
  maxNegativeTtlSeconds?: number
}

export class DnsCache {
  private readonly entries = new Map<string, Entry>()
  private readonly clock: Clock
  private readonly maxEntries: number
  private readonly maxTtl: number
  private readonly maxNegativeTtl: number

  constructor(options: DnsCacheOptions) {
    this.clock = options.clock
    this.maxEntries = options.maxEntries ?? 10_000
    this.maxTtl = options.maxTtlSeconds ?? 86_400
    this.maxNegativeTtl = options.maxNegativeTtlSeconds ?? 3 * 3600
  }

  static key(name: string, type: string): string {
    return `${name.toLowerCase().replace(/\.$/, '')}/${type}`
  }

  get size(): number {
    return this.entries.size
  }

  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.answer
  }

  /** Store `answer` for `ttlSeconds` (capped); a TTL of 0 is not cached (RFC 1035 §3.2.1). */
  set(key: string, answer: CachedAnswer, ttlSeconds: number): void {
    const cap = 'error' in answer ? this.maxNegativeTtl : this.maxTtl
    const ttl = Math.min(Math.max(0, Math.floor(ttlSeconds)), cap)
    if (ttl === 0) return
    this.entries.delete(key) // re-insert at the end: Map order is the eviction order
    this.entries.set(key, { answer, expiresAt: this.clock.now() + ttl * 1000 })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (oldest.done) break
      this.entries.delete(oldest.value)
    }
  }

  clear(): void {
    this.entries.clear()
  }
}
