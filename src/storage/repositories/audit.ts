// Audit log: who changed what (accounts, domains, aliases, settings). Written by the service layer
// (CLI, API) that knows the actor; repositories stay actor-agnostic. Never store secrets here.
import { desc, lt } from 'drizzle-orm'
import { auditLog } from '../db/schema.ts'
import type { RepositoryContext } from './context.ts'

export interface AuditEntry {
  id: number
  at: number
  actor: string
  action: string
  target: string | null
  details: Record<string, unknown>
}

export interface AuditRepository {
  record(entry: {
    actor: string
    action: string
    target?: string | null
    details?: Record<string, unknown>
  }): Promise<AuditEntry>
  /** Newest first; `before` is an id for paging. */
  list(options?: { before?: number; limit?: number }): Promise<AuditEntry[]>
}

type AuditRow = typeof auditLog.$inferSelect

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at,
  actor: row.actor,
  action: row.action,
  target: row.target,
  details: JSON.parse(row.detailsJson) as Record<string, unknown>,
})

export function createAuditRepository(ctx: RepositoryContext): AuditRepository {
  const { db } = ctx
  return {
    async record(entry) {
      const row = db
        .insert(auditLog)
        .values({
          at: ctx.clock.now(),
          actor: entry.actor,
          action: entry.action,
          target: entry.target ?? null,
          detailsJson: JSON.stringify(entry.details ?? {}),
        })
        .returning()
        .get()
      return toEntry(row)
    },
    async list(options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? 100), 1000)
      const query = db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit)
      const rows = options.before === undefined ? query.all() : query.where(lt(auditLog.id, options.before)).all()
      return rows.map(toEntry)
    },
  }
}
