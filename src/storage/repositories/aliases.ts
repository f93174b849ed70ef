// Aliases: one address in a hosted domain → one or more targets (accounts, other aliases,
// external addresses). Stored one row per (address, target). Expansion is in resolve-recipient.ts.
import { and, asc, eq, inArray } from 'drizzle-orm'
import { parseAddress, parseDomain, tryParseAddress } from '../../core/address.ts'
import { MailError } from '../../core/errors.ts'
import { accounts, aliases, domains } from '../db/schema.ts'
import { addressInUse, unknownAlias, unknownDomain } from '../storage-errors.ts'
import type { RepositoryContext } from './context.ts'
import { checkLocalTarget } from './local-target.ts'

export interface AliasRecord {
  address: string
  targets: string[]
}

export interface AliasRepository {
  /** Add targets to an alias (creating it); targets already present are ignored. */
  add(address: string, targets: readonly string[]): Promise<AliasRecord>
  get(address: string): Promise<AliasRecord | null>
  list(options?: { domain?: string }): Promise<AliasRecord[]>
  /** Remove some targets, or the whole alias when `targets` is omitted. Returns the rows removed. */
  remove(address: string, targets?: readonly string[]): Promise<number>
}

const group = (rows: ReadonlyArray<{ address: string; target: string }>): AliasRecord[] => {
  const byAddress = new Map<string, string[]>()
  for (const row of rows) {
    const list = byAddress.get(row.address)
    if (list) list.push(row.target)
    else byAddress.set(row.address, [row.target])
  }
  return [...byAddress].map(([address, targets]) => ({ address, targets }))
}

export function createAliasRepository(ctx: RepositoryContext): AliasRepository {
  const { db } = ctx
  const rowsFor = (address: string) =>
    db
      .select({ address: aliases.address, target: aliases.target })
      .from(aliases)
      .where(eq(aliases.address, address))
      .orderBy(asc(aliases.id))
      .all()

  return {
    async add(input, targetInputs) {
      const { address, domain } = parseAddress(input)
      if (targetInputs.length === 0) {
        throw new MailError('user', 'an alias needs at least one target', { http: 400, code: 'invalid_alias' })
      }
      const targets = [...new Set(targetInputs.map(t => parseAddress(t).address))]
      if (targets.includes(address)) {
        throw new MailError('user', `alias ${address} cannot point to itself`, { http: 400, code: 'invalid_alias' })
      }
      const now = ctx.clock.now()
      db.transaction(
        tx => {
          const domainRow = tx.select({ id: domains.id }).from(domains).where(eq(domains.name, domain)).get()
          if (!domainRow) throw unknownDomain(domain)
          if (tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, address)).get()) {
            throw addressInUse(address, 'account')
          }
          for (const target of targets) checkLocalTarget(tx, target)
          tx.insert(aliases)
            .values(targets.map(target => ({ address, domainId: domainRow.id, target, createdAt: now })))
            .onConflictDoNothing()
            .run()
        },
        { behavior: 'immediate' },
      )
      return { address, targets: rowsFor(address).map(r => r.target) }
    },

    async get(input) {
      const parsed = tryParseAddress(input)
      if (!parsed) return null
      return group(rowsFor(parsed.address))[0] ?? null
    },

    async list(options = {}) {
      const query = db
        .select({ address: aliases.address, target: aliases.target })
        .from(aliases)
        .orderBy(asc(aliases.address), asc(aliases.id))
      if (options.domain === undefined) return group(query.all())
      const domain = db
        .select({ id: domains.id })
        .from(domains)
        .where(eq(domains.name, parseDomain(options.domain)))
        .get()
      if (!domain) return []
      return group(query.where(eq(aliases.domainId, domain.id)).all())
    },

    async remove(input, targetInputs) {
      const { address } = parseAddress(input)
      const condition =
        targetInputs === undefined
          ? eq(aliases.address, address)
          : and(
              eq(aliases.address, address),
              inArray(
                aliases.target,
                targetInputs.map(t => parseAddress(t).address),
              ),
            )
      const removed = db.delete(aliases).where(condition).returning({ id: aliases.id }).all().length
      if (removed === 0) throw unknownAlias(address)
      return removed
    },
  }
}
