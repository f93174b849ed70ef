// MTA-STS policies cached by domain (RFC 8461 §5.1): kept for max_age seconds, keyed by the TXT
// record's id, and refreshed only when the id changes. The cache lives in memory and, when a
// database is given, in `mta_sts_policies` too, so a restart does not forget that a domain enforces
// TLS (an attacker stripping the TXT record must not downgrade delivery).
import { eq, lt } from 'drizzle-orm'
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import type { Clock } from '../../core/clock.ts'
import { mtaStsPolicies } from '../../storage/db/schema-delivery.ts'
import { type StsPolicy, parseStsPolicy } from './parse-sts-policy.ts'

export interface CachedStsPolicy {
  /** The TXT record id this policy was fetched for. */
  id: string
  policy: StsPolicy
  fetchedAt: number
  /** fetchedAt + max_age. */
  expiresAt: number
}

export interface StsPolicyCache {
  /** The cached policy if it has not expired. */
  get(domain: string): CachedStsPolicy | null
  set(domain: string, id: string, policy: StsPolicy): CachedStsPolicy
}

export interface StsPolicyCacheOptions {
  clock: Clock
  // biome-ignore lint/suspicious/noExplicitAny: any drizzle sqlite database (the schema type does not matter here)
  db?: BunSQLiteDatabase<any>
}

export function createStsPolicyCache(options: StsPolicyCacheOptions): StsPolicyCache {
  const { clock, db } = options
  const memory = new Map<string, CachedStsPolicy | null>()

  const load = (domain: string): CachedStsPolicy | null => {
    if (!db) return null
    const row = db.select().from(mtaStsPolicies).where(eq(mtaStsPolicies.domain, domain)).get()
    if (!row) return null
    const parsed = parseStsPolicy(row.policyText)
    if (!parsed.ok) return null
    return { id: row.policyId, policy: parsed.policy, fetchedAt: row.fetchedAt, expiresAt: row.expiresAt }
  }

  return {
    get(domain) {
      let entry = memory.get(domain)
      if (entry === undefined) {
        entry = load(domain)
        memory.set(domain, entry)
      }
      if (entry === null || entry.expiresAt <= clock.now()) return null
      return entry
    },
    set(domain, id, policy) {
      const now = clock.now()
      const entry: CachedStsPolicy = { id, policy, fetchedAt: now, expiresAt: now + policy.maxAge * 1000 }
      memory.set(domain, entry)
      if (db) {
        const values = {
          domain,
          policyId: id,
          policyText: policy.lines.join('\r\n'),
          fetchedAt: entry.fetchedAt,
          expiresAt: entry.expiresAt,
        }
        db.insert(mtaStsPolicies)
          .values(values)
          .onConflictDoUpdate({ target: mtaStsPolicies.domain, set: values })
          .run()
        // Expired rows are useless (§5.1): drop them while we are writing anyway.
        db.delete(mtaStsPolicies).where(lt(mtaStsPolicies.expiresAt, now)).run()
      }
      return entry
    },
  }
}
