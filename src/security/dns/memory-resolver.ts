// A Resolver over an in-memory zone, for unit and session tests that need DNS answers but not
// sockets (mox dns/mock.go). Failures can be forced per name (and type) with any DnsErrorCode.
import { canonicalName, checkName } from './dns-name.ts'
import { DnsError, type DnsErrorCode } from './dns-error.ts'
import { type DnsZone, lookupZone } from './dns-zone.ts'
import type { RecordData, RecordType } from './record-types.ts'
import type { Resolver } from './resolver.ts'
import { resolverFromQuery } from './resolver-from-query.ts'

export interface MemoryResolver extends Resolver {
  /** Replace the zone. */
  setZone(zone: DnsZone): void
  /** Make queries for `name` (of `type`, or of any type) fail with `code`. */
  fail(name: string, code: DnsErrorCode, type?: RecordType): void
  /** Remove every forced failure. */
  clearFailures(): void
  /** Every query asked, in order (name as asked). */
  readonly queries: readonly { name: string; type: RecordType }[]
}

export function createMemoryResolver(initial: DnsZone = {}): MemoryResolver {
  let zone = initial
  const failures = new Map<string, DnsErrorCode>()
  const queries: { name: string; type: RecordType }[] = []

  async function query<T extends RecordType>(name: string, type: T): Promise<RecordData[T][]> {
    queries.push({ name, type })
    checkName(name, type)
    const key = canonicalName(name)
    const forced = failures.get(`${key}/${type}`) ?? failures.get(key)
    if (forced) throw new DnsError(forced, name, type)
    const answer = lookupZone(zone, name, type)
    const records = answer.answers.filter(a => a.type === type).map(a => a.data as RecordData[T])
    if (records.length > 0) return records
    throw new DnsError(answer.rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA', name, type)
  }

  return {
    ...resolverFromQuery(query),
    setZone: next => {
      zone = next
    },
    fail: (name, code, type) => {
      failures.set(type ? `${canonicalName(name)}/${type}` : canonicalName(name), code)
    },
    clearFailures: () => failures.clear(),
    queries,
  }
}
