// Hosted domains. Names are stored in normal form (lower-case, punycode). A domain's catch-all
// receives mail for local parts that match neither an account nor an alias.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { count, eq } from 'drizzle-orm'
import { parseAddress, parseDomain } from '../../core/address.ts'
import { accounts, aliases, domains } from '../db/schema.ts'
import { maildirRoot } from '../maildir/maildir-path.ts'
import { domainHasAccounts, duplicateDomain, unknownDomain } from '../storage-errors.ts'
import type { RepositoryContext } from './context.ts'
import { checkLocalTarget } from './local-target.ts'

export interface DomainRecord {
  id: number
  name: string
  catchAll: string | null
  enabled: boolean
  createdAt: number
}

export interface RemoveDomainOptions {
  /** Also delete the domain's accounts (with their mailboxes and messages). */
  force?: boolean
  /** With force: remove the accounts' Maildir trees too. */
  removeData?: boolean
}

export interface DomainRepository {
  add(name: string): Promise<DomainRecord>
  get(name: string): Promise<DomainRecord | null>
  list(): Promise<DomainRecord[]>
  remove(name: string, options?: RemoveDomainOptions): Promise<void>
  /** Catch-all target (an account, alias or external address), or null to turn it off. */
  setCatchAll(name: string, target: string | null): Promise<DomainRecord>
  /** A disabled domain keeps its data but receives no mail and allows no logins. */
  setEnabled(name: string, enabled: boolean): Promise<DomainRecord>
}

type DomainRow = typeof domains.$inferSelect

const toRecord = (row: DomainRow): DomainRecord => ({
  id: row.id,
  name: row.name,
  catchAll: row.catchAll,
  enabled: row.enabled,
  createdAt: row.createdAt,
})

export function createDomainRepository(ctx: RepositoryContext): DomainRepository {
  const { db } = ctx
  const byName = (name: string) => db.select().from(domains).where(eq(domains.name, name)).get()

  const mustGet = (input: string): DomainRow => {
    const name = parseDomain(input)
    const row = byName(name)
    if (!row) throw unknownDomain(name)
    return row
  }

  return {
    async add(input) {
      const name = parseDomain(input)
      return db.transaction(
        tx => {
          if (tx.select({ id: domains.id }).from(domains).where(eq(domains.name, name)).get())
            throw duplicateDomain(name)
          const row = tx.insert(domains).values({ name, createdAt: ctx.clock.now() }).returning().get()
          return toRecord(row)
        },
        { behavior: 'immediate' },
      )
    },

    async get(input) {
      let name: string
      try {
        name = parseDomain(input)
      } catch {
        return null
      }
      const row = byName(name)
      return row ? toRecord(row) : null
    },

    async list() {
      return db.select().from(domains).orderBy(domains.name).all().map(toRecord)
    },

    async remove(input, options = {}) {
      const domain = mustGet(input)
      db.transaction(
        tx => {
          const n = tx.select({ n: count() }).from(accounts).where(eq(accounts.domainId, domain.id)).get()?.n ?? 0
          if (n > 0 && !options.force) throw domainHasAccounts(domain.name, n)
          // Mailboxes, messages and expunge records go with the accounts (ON DELETE CASCADE).
          tx.delete(accounts).where(eq(accounts.domainId, domain.id)).run()
          tx.delete(aliases).where(eq(aliases.domainId, domain.id)).run()
          tx.delete(domains).where(eq(domains.id, domain.id)).run()
        },
        { behavior: 'immediate' },
      )
      // After the commit: a crash before this leaves files no index row points to, which reconcile
      // never visits (it walks accounts), rather than rows whose files are gone.
      if (options.force && options.removeData) {
        await rm(join(maildirRoot(ctx.dataDir), domain.name), { recursive: true, force: true })
      }
    },

    async setCatchAll(input, target) {
      const domain = mustGet(input)
      const normalised = target === null ? null : parseAddress(target).address
      return db.transaction(
        tx => {
          if (normalised !== null) checkLocalTarget(tx, normalised)
          const row = tx
            .update(domains)
            .set({ catchAll: normalised })
            .where(eq(domains.id, domain.id))
            .returning()
            .get()
          if (!row) throw unknownDomain(domain.name)
          return toRecord(row)
        },
        { behavior: 'immediate' },
      )
    },

    async setEnabled(input, enabled) {
      const domain = mustGet(input)
      const row = db.update(domains).set({ enabled }).where(eq(domains.id, domain.id)).returning().get()
      if (!row) throw unknownDomain(domain.name)
      return toRecord(row)
    },
  }
}
