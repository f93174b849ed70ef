// Which MTA-STS policy applies to a delivery (RFC 8461 §5, §5.1):
//   1. look up `_mta-sts.<domain>` TXT;
//   2. a cached, unexpired policy whose id equals the record's id is used as is;
//   3. otherwise the policy is fetched; a valid one replaces the cache;
//   4. when the TXT lookup or the fetch fails, an unexpired cached policy still applies (an
//      attacker who blocks the record or the web server must not downgrade delivery); without one
//      the domain is treated as having no policy.
// Lookups for one domain share one flight, and a failed fetch is not retried for `fetchBackoffMs`
// for the same record id, so a broken policy host does not cost a fetch per message.
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import { isNoRecord } from '../../security/dns/dns-error.ts'
import type { Resolver } from '../../security/dns/resolver.ts'
import { type StsFetchFailureType, fetchStsPolicy } from './fetch-sts-policy.ts'
import type { HttpsClientOptions } from './https-request.ts'
import type { StsPolicy } from './parse-sts-policy.ts'
import { selectStsRecord } from './parse-sts-record.ts'
import type { StsPolicyCache } from './sts-policy-cache.ts'

export interface StsLookup {
  /** The policy in force, or null (no policy, or none could be obtained and none is cached). */
  policy: StsPolicy | null
  /** Where it came from, for logs and tests. */
  source: 'none' | 'cache' | 'fetched'
  /** A fetch problem to report through TLS-RPT (RFC 8460 §4.3.2), even when a cached policy was used. */
  fetchFailure: { resultType: StsFetchFailureType; reason: string } | null
}

export interface MtaStsPolicies {
  lookup(domain: string): Promise<StsLookup>
}

export interface MtaStsPoliciesOptions {
  resolver: Resolver
  cache: StsPolicyCache
  http: HttpsClientOptions
  clock: Clock
  logger: Logger
  /** Do not refetch a failed policy for the same record id within this time. */
  fetchBackoffMs?: number
  /** Told about each failed fetch (not about later lookups that reuse the failure): TLS-RPT. */
  onFetchFailure?(domain: string, failure: NonNullable<StsLookup['fetchFailure']>): void
}

export function createMtaStsPolicies(options: MtaStsPoliciesOptions): MtaStsPolicies {
  const { resolver, cache, clock, logger } = options
  const backoffMs = options.fetchBackoffMs ?? 5 * 60_000
  const inFlight = new Map<string, Promise<StsLookup>>()
  const failures = new Map<string, { id: string; until: number; failure: NonNullable<StsLookup['fetchFailure']> }>()

  async function lookupOnce(domain: string): Promise<StsLookup> {
    const cached = cache.get(domain)
    const fromCache = (fetchFailure: StsLookup['fetchFailure'] = null): StsLookup =>
      cached ? { policy: cached.policy, source: 'cache', fetchFailure } : { policy: null, source: 'none', fetchFailure }

    let records: string[][]
    try {
      records = await resolver.resolveTxt(`_mta-sts.${domain}`)
    } catch (e) {
      if (!isNoRecord(e)) logger.debug('MTA-STS TXT lookup failed', { domain, error: (e as Error).message })
      return fromCache()
    }
    const record = selectStsRecord(records)
    if (record === null || !record.ok) return fromCache()
    const id = record.record.id
    if (cached && cached.id === id) return fromCache()

    const failed = failures.get(domain)
    if (failed && failed.id === id && failed.until > clock.now()) return fromCache(failed.failure)

    const fetched = await fetchStsPolicy(domain, options.http)
    if (!fetched.ok) {
      const failure = { resultType: fetched.resultType, reason: fetched.reason }
      failures.set(domain, { id, until: clock.now() + backoffMs, failure })
      logger.warn('MTA-STS policy fetch failed', { domain, ...failure })
      options.onFetchFailure?.(domain, failure)
      return fromCache(failure)
    }
    failures.delete(domain)
    cache.set(domain, id, fetched.policy)
    logger.debug('MTA-STS policy fetched', { domain, id, mode: fetched.policy.mode })
    return { policy: fetched.policy, source: 'fetched', fetchFailure: null }
  }

  return {
    lookup(domain) {
      const key = domain.toLowerCase()
      let flight = inFlight.get(key)
      if (flight === undefined) {
        flight = lookupOnce(key).finally(() => inFlight.delete(key))
        inFlight.set(key, flight)
      }
      return flight
    },
  }
}
