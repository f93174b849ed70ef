// TLS-RPT counters (RFC 8460 §4.4): per UTC day, policy domain and applied policy, the number of
// successful and failed sessions, and the failures by result type and receiving host. Delivery
// records into memory (a Map update per session, cheap at thousands of messages per second); the
// counts are added to `tls_rpt_policies`/`tls_rpt_failures` in one transaction every
// `flushIntervalMs` and on close(). The report service reads finished days from the tables.
import { and, eq, lt, sql } from 'drizzle-orm'
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import { tlsRptFailures, tlsRptPolicies } from '../../storage/db/schema-delivery.ts'
import type { TlsFailureDetail, TlsPolicyRef, TlsResultRecorder, TlsResultType } from './tls-result-recorder.ts'

// biome-ignore lint/suspicious/noExplicitAny: any drizzle sqlite database (the schema type does not matter here)
export type AnySqliteDb = BunSQLiteDatabase<any>

export interface FailureCount {
  resultType: TlsResultType
  sendingMtaIp: string
  receivingMxHostname: string
  receivingMxHelo: string
  receivingIp: string
  failureReasonCode: string
  failedSessionCount: number
}

export interface PolicyCounts {
  policy: TlsPolicyRef
  successCount: number
  failureCount: number
  failures: FailureCount[]
}

export interface TlsReportStore extends TlsResultRecorder {
  /** Write what is counted in memory to the database. */
  flush(): void
  /** Days (YYYY-MM-DD) before `beforeDay` that still hold counters. */
  pendingDays(beforeDay: string): string[]
  /** Counters of one day, grouped by policy domain. */
  read(day: string): Map<string, PolicyCounts[]>
  /** Forget a day's counters for one domain (reported, or not wanted). */
  remove(day: string, policyDomain: string): void
  /** Flush and stop the timer. */
  close(): void
}

export interface TlsReportStoreOptions {
  db: AnySqliteDb
  clock: Clock
  logger?: Logger
  /** 0 = flush only when asked. */
  flushIntervalMs?: number
}

interface Pending {
  day: string
  policy: TlsPolicyRef
  success: number
  failure: number
  failures: Map<string, FailureCount>
}

/** UTC day of a timestamp (RFC 8460 §4.4 reports cover UTC days). */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function createTlsReportStore(options: TlsReportStoreOptions): TlsReportStore {
  const { db, clock } = options
  const pending = new Map<string, Pending>()
  let timer: ReturnType<typeof setTimeout> | null = null

  const entry = (policy: TlsPolicyRef): Pending => {
    const day = utcDay(clock.now())
    const policyString = JSON.stringify(policy.policyString)
    const key = `${day}\n${policy.policyDomain}\n${policy.policyType}\n${policyString}`
    let e = pending.get(key)
    if (e === undefined) {
      e = { day, policy, success: 0, failure: 0, failures: new Map() }
      pending.set(key, e)
    }
    const interval = options.flushIntervalMs ?? 10_000
    if (timer === null && interval > 0) {
      timer = setTimeout(() => {
        timer = null
        try {
          store.flush()
        } catch (err) {
          options.logger?.warn('TLS-RPT counters could not be saved', { error: (err as Error).message })
        }
      }, interval)
      timer.unref?.()
    }
    return e
  }

  const store: TlsReportStore = {
    success(policy) {
      entry(policy).success++
    },
    failure(policy, detail: TlsFailureDetail) {
      const e = entry(policy)
      e.failure++
      const f: FailureCount = {
        resultType: detail.resultType,
        sendingMtaIp: detail.sendingMtaIp ?? '',
        receivingMxHostname: detail.receivingMxHostname ?? '',
        receivingMxHelo: detail.receivingMxHelo ?? '',
        receivingIp: detail.receivingIp ?? '',
        failureReasonCode: detail.failureReasonCode ?? '',
        failedSessionCount: 0,
      }
      const key = [
        f.resultType,
        f.sendingMtaIp,
        f.receivingMxHostname,
        f.receivingMxHelo,
        f.receivingIp,
        f.failureReasonCode,
      ].join('\n')
      const existing = e.failures.get(key) ?? f
      existing.failedSessionCount++
      e.failures.set(key, existing)
    },

    flush() {
      if (pending.size === 0) return
      const entries = [...pending.values()]
      pending.clear()
      db.transaction(tx => {
        for (const e of entries) {
          const row = tx
            .insert(tlsRptPolicies)
            .values({
              day: e.day,
              policyDomain: e.policy.policyDomain,
              policyType: e.policy.policyType,
              policyString: JSON.stringify(e.policy.policyString),
              mxHost: JSON.stringify(e.policy.mxHost),
              successCount: e.success,
              failureCount: e.failure,
            })
            .onConflictDoUpdate({
              target: [
                tlsRptPolicies.day,
                tlsRptPolicies.policyDomain,
                tlsRptPolicies.policyType,
                tlsRptPolicies.policyString,
              ],
              set: {
                successCount: sql`${tlsRptPolicies.successCount} + ${e.success}`,
                failureCount: sql`${tlsRptPolicies.failureCount} + ${e.failure}`,
              },
            })
            .returning({ id: tlsRptPolicies.id })
            .get()
          if (!row) continue
          for (const f of e.failures.values()) {
            tx.insert(tlsRptFailures)
              .values({ policyId: row.id, ...f })
              .onConflictDoUpdate({
                target: [
                  tlsRptFailures.policyId,
                  tlsRptFailures.resultType,
                  tlsRptFailures.sendingMtaIp,
                  tlsRptFailures.receivingMxHostname,
                  tlsRptFailures.receivingMxHelo,
                  tlsRptFailures.receivingIp,
                  tlsRptFailures.failureReasonCode,
                ],
                set: { failedSessionCount: sql`${tlsRptFailures.failedSessionCount} + ${f.failedSessionCount}` },
              })
              .run()
          }
        }
      })
    },

    pendingDays(beforeDay) {
      return db
        .selectDistinct({ day: tlsRptPolicies.day })
        .from(tlsRptPolicies)
        .where(lt(tlsRptPolicies.day, beforeDay))
        .orderBy(tlsRptPolicies.day)
        .all()
        .map(r => r.day)
    },

    read(day) {
      const rows = db.select().from(tlsRptPolicies).where(eq(tlsRptPolicies.day, day)).orderBy(tlsRptPolicies.id).all()
      const out = new Map<string, PolicyCounts[]>()
      for (const row of rows) {
        const failures = db
          .select()
          .from(tlsRptFailures)
          .where(eq(tlsRptFailures.policyId, row.id))
          .orderBy(tlsRptFailures.id)
          .all()
          .map(f => ({
            resultType: f.resultType as TlsResultType,
            sendingMtaIp: f.sendingMtaIp,
            receivingMxHostname: f.receivingMxHostname,
            receivingMxHelo: f.receivingMxHelo,
            receivingIp: f.receivingIp,
            failureReasonCode: f.failureReasonCode,
            failedSessionCount: f.failedSessionCount,
          }))
        const counts: PolicyCounts = {
          policy: {
            policyDomain: row.policyDomain,
            policyType: row.policyType as TlsPolicyRef['policyType'],
            policyString: JSON.parse(row.policyString) as string[],
            mxHost: JSON.parse(row.mxHost) as string[],
          },
          successCount: row.successCount,
          failureCount: row.failureCount,
          failures,
        }
        const list = out.get(row.policyDomain) ?? []
        list.push(counts)
        out.set(row.policyDomain, list)
      }
      return out
    },

    remove(day, policyDomain) {
      db.delete(tlsRptPolicies)
        .where(and(eq(tlsRptPolicies.day, day), eq(tlsRptPolicies.policyDomain, policyDomain)))
        .run()
    },

    close() {
      if (timer) clearTimeout(timer)
      timer = null
      store.flush()
    },
  }
  return store
}
