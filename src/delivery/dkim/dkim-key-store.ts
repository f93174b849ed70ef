// The dkim_keys table (schema-delivery.ts): the only code that reads or writes it. Per domain at most
// one active key per algorithm; rotation retires the active ones (they stay published for
// `dkim.retiredKeyDays`, so mail signed just before the rotation still verifies) and adds new ones.
import { and, asc, eq, gte, or } from 'drizzle-orm'
import type { Clock } from '../../core/clock.ts'
import { dkimKeys } from '../../storage/db/schema-delivery.ts'
import type { Storage } from '../../storage/index.ts'
import { newSelector } from './dkim-selector.ts'
import { type DkimAlgorithm, generateDkimKey, isDkimAlgorithm } from './generate-dkim-key.ts'

export interface DkimKeyRecord {
  id: number
  domain: string
  selector: string
  algorithm: DkimAlgorithm
  /** PKCS#8 PEM: a secret, never logged or printed. */
  privateKey: string
  publicKey: string
  status: 'active' | 'retired'
  createdAt: number
  retiredAt: number | null
}

export interface DkimKeyOptions {
  /** Algorithms a domain gets keys for. */
  algorithms: readonly DkimAlgorithm[]
  rsaBits: number
}

export interface DkimKeyStore {
  /** Active keys of a domain (lower-case A-label), RSA first. */
  active(domain: string): DkimKeyRecord[]
  /** Active keys plus keys retired since `retiredSince` (ms): what DNS must publish. */
  published(domain: string, retiredSince: number): DkimKeyRecord[]
  /** Every key of the domain, or of all domains, oldest first. */
  list(domain?: string): DkimKeyRecord[]
  /** Create the missing active keys (one per configured algorithm); returns those created. */
  ensure(domain: string, options: DkimKeyOptions): Promise<DkimKeyRecord[]>
  /** Retire the active keys and create new ones; returns the new keys. */
  rotate(domain: string, options: DkimKeyOptions): Promise<DkimKeyRecord[]>
}

type Row = typeof dkimKeys.$inferSelect

const toRecord = (row: Row): DkimKeyRecord => ({
  ...row,
  algorithm: isDkimAlgorithm(row.algorithm) ? row.algorithm : 'rsa-sha256',
  status: row.status === 'active' ? 'active' : 'retired',
})
const rsaFirst = (a: DkimKeyRecord, b: DkimKeyRecord) =>
  (a.algorithm === 'rsa-sha256' ? 0 : 1) - (b.algorithm === 'rsa-sha256' ? 0 : 1) || a.id - b.id

export function createDkimKeyStore(storage: Pick<Storage, 'db'>, clock: Clock): DkimKeyStore {
  const { db } = storage

  const active = (domain: string) =>
    db
      .select()
      .from(dkimKeys)
      .where(and(eq(dkimKeys.domain, domain), eq(dkimKeys.status, 'active')))
      .all()
      .map(toRecord)
      .sort(rsaFirst)

  /** Generate outside the transaction (RSA takes tens of ms), insert inside it. */
  const create = async (
    domain: string,
    algorithms: readonly DkimAlgorithm[],
    options: DkimKeyOptions,
    retire: boolean,
  ) => {
    const generated = await Promise.all(algorithms.map(a => generateDkimKey(a, options.rsaBits)))
    const now = clock.now()
    return db.transaction(tx => {
      if (retire)
        tx.update(dkimKeys)
          .set({ status: 'retired', retiredAt: now })
          .where(and(eq(dkimKeys.domain, domain), eq(dkimKeys.status, 'active')))
          .run()
      const taken = new Set(
        tx
          .select({ selector: dkimKeys.selector })
          .from(dkimKeys)
          .where(eq(dkimKeys.domain, domain))
          .all()
          .map(r => r.selector),
      )
      // A concurrent ensure() may have added some meanwhile: only the still missing ones.
      const present = new Set(
        retire
          ? []
          : tx
              .select({ algorithm: dkimKeys.algorithm })
              .from(dkimKeys)
              .where(and(eq(dkimKeys.domain, domain), eq(dkimKeys.status, 'active')))
              .all()
              .map(r => r.algorithm),
      )
      return generated
        .filter(key => !present.has(key.algorithm))
        .map(key => {
          const selector = newSelector(key.algorithm, new Date(now), taken)
          taken.add(selector)
          const row = tx
            .insert(dkimKeys)
            .values({ domain, selector, ...key, status: 'active', createdAt: now })
            .returning()
            .get()
          return toRecord(row)
        })
    })
  }

  return {
    active,
    published(domain, retiredSince) {
      return db
        .select()
        .from(dkimKeys)
        .where(
          and(eq(dkimKeys.domain, domain), or(eq(dkimKeys.status, 'active'), gte(dkimKeys.retiredAt, retiredSince))),
        )
        .orderBy(asc(dkimKeys.id))
        .all()
        .map(toRecord)
    },
    list(domain) {
      const query = db.select().from(dkimKeys).orderBy(asc(dkimKeys.domain), asc(dkimKeys.id))
      return (domain === undefined ? query.all() : query.where(eq(dkimKeys.domain, domain)).all()).map(toRecord)
    },
    async ensure(domain, options) {
      const have = new Set(active(domain).map(k => k.algorithm))
      const missing = options.algorithms.filter(a => !have.has(a))
      return missing.length === 0 ? [] : create(domain, missing, options, false)
    },
    rotate: (domain, options) => create(domain, options.algorithms, options, true),
  }
}
