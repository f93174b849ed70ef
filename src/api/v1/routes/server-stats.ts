// Counts behind GET /stats, straight from the index (one aggregate query per table).
import { count, countDistinct, eq, min, sum } from 'drizzle-orm'
import { accounts, aliases, domains, messages } from '../../../storage/db/schema.ts'
import { outboundQueue } from '../../../storage/db/schema-delivery.ts'
import type { MailDb } from '../../../storage/db/open-database.ts'

export interface ServerStats {
  domains: number
  accounts: number
  disabledAccounts: number
  aliases: number
  messages: number
  storedBytes: number
  queue: { total: number; byState: Record<string, number>; oldestCreatedAt: number | null }
}

export function serverStats(db: MailDb): ServerStats {
  const domainCount = db.select({ n: count() }).from(domains).get()?.n ?? 0
  const accountCount = db.select({ n: count() }).from(accounts).get()?.n ?? 0
  const disabled = db.select({ n: count() }).from(accounts).where(eq(accounts.disabled, true)).get()?.n ?? 0
  const aliasCount =
    db
      .select({ n: countDistinct(aliases.address) })
      .from(aliases)
      .get()?.n ?? 0
  const stored = db
    .select({ n: count(), bytes: sum(messages.size) })
    .from(messages)
    .get()
  const byStateRows = db
    .select({ state: outboundQueue.state, n: count() })
    .from(outboundQueue)
    .groupBy(outboundQueue.state)
    .all()
  const oldest =
    db
      .select({ at: min(outboundQueue.createdAt) })
      .from(outboundQueue)
      .get()?.at ?? null
  const byState: Record<string, number> = {}
  for (const row of byStateRows) byState[row.state] = row.n
  return {
    domains: domainCount,
    accounts: accountCount,
    disabledAccounts: disabled,
    aliases: aliasCount,
    messages: stored?.n ?? 0,
    storedBytes: Number(stored?.bytes ?? 0),
    queue: { total: byStateRows.reduce((total, row) => total + row.n, 0), byState, oldestCreatedAt: oldest },
  }
}
