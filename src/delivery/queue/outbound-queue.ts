// The persistent outbound queue: accepted messages that still have remote recipients (authenticated
// submissions, aliases that forward elsewhere, and our own DSNs). The inbound pipeline stages and
// commits entries; the queue runner (queue-runner.ts) claims due entries, delivers, and records the
// outcome; the CLI lists, retries and drops them. This module is the only code touching the table.
//
// Two-phase enqueue, so a message with local and remote recipients is acknowledged only when both
// halves are durable: stage() writes the spool file (tmp → fsync → rename → fsync dir), the caller
// delivers locally, then commit() inserts the rows — or discard() removes the file. Until commit()
// nothing is visible to the runner, so a rollback can never race a delivery attempt.
//
// One entry per recipient domain (issue 7 §1): commit() inserts a row per domain, all pointing at the
// same spool file; the file goes once every entry of the message is final and owes no DSN.
import { readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm'
import type { Clock } from '../../core/clock.ts'
import { newId } from '../../core/ids.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import { outboundQueue } from '../../storage/db/schema-delivery.ts'
import type { MessageContent, Storage } from '../../storage/index.ts'
import { groupByDomain } from './recipient-domain.ts'
import { queueStatements } from './queue-statements.ts'
import { createWalCommit } from '../../storage/db/wal-commit.ts'
import type { QueuedMessage, QueuedRecipient, QueueRow } from './queue-rows.ts'
import { rowToMessage } from './queue-rows.ts'
import type { QueueState, ReceivedReport, RecipientOutcome } from './queue-state.ts'
import { SPOOL_DIRECTORY, SPOOL_EXTENSION, SPOOL_TMP_PREFIX, writeSpoolFile } from './spool-file.ts'

export type { DsnNotifyValue, QueuedMessage, QueuedRecipient } from './queue-rows.ts'
export type { QueueState } from './queue-state.ts'

export interface EnqueueInput {
  /** Reverse-path; '' for `<>`. */
  sender: string
  recipients: readonly QueuedRecipient[]
  content: MessageContent
  ret?: 'FULL' | 'HDRS' | null
  envid?: string | null
  bodyType?: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8?: boolean
  requireTls?: boolean
  accountId?: number | null
}

/** A spool file written durably but not yet visible as a queue entry. */
export interface StagedMessage {
  readonly id: string
  readonly spoolPath: string
  readonly size: number
  /**
   * Insert one row per recipient domain (state `queued`, due now) in one transaction and return the
   * first; its id is the message's queue id, the other domains get `<id>-2`, `<id>-3`, …
   * Throws if the insert fails; the file stays for discard().
   */
  commit(): QueuedMessage
  /** Remove the spool file (after a failed delivery elsewhere, or a failed commit). */
  discard(): Promise<void>
}

/** What one attempt decided for an entry, written in one transaction with its siblings. */
export interface AttemptRecord {
  id: string
  state: QueueState
  results: Record<string, RecipientOutcome>
  nextAttemptAt: number
  lastError: string | null
  dsnPending: boolean
  delayNotified: boolean
  finishedAt: number | null
  messageId: string | null
}

export interface ClaimOptions {
  now: number
  /** Most entries to claim. */
  limit: number
  /** Asked once per due entry in due order; true takes it (the runner counts per-domain slots here). */
  accept(domain: string): boolean
  /** Domains not to look at (held back, or at their concurrency limit). */
  excludeDomains?: readonly string[]
}

export interface OutboundQueue {
  stage(input: EnqueueInput): Promise<StagedMessage>
  /** stage() + commit() for callers with nothing else to make durable. */
  enqueue(input: EnqueueInput): Promise<QueuedMessage>
  get(id: string): Promise<QueuedMessage | null>
  /**
   * Entries in id (= arrival) order: those still to deliver (queued, in-flight, deferred) unless a
   * state is named or `includeFinished` asks for the retained delivered/failed ones too.
   */
  list(options?: {
    state?: QueueState | (string & {})
    limit?: number
    includeFinished?: boolean
  }): Promise<QueuedMessage[]>
  /** Delete a row; its spool file goes too unless another live entry of the message uses it. */
  remove(id: string): Promise<boolean>
  /**
   * Remove spool files no live entry needs: no row at all (a crash between stage and commit, or
   * between a delete and its unlink), or every row final without a DSN owed (a crash before the
   * release). Only at start-up, before anything stages. Returns the names.
   */
  removeOrphans(): Promise<string[]>
  /** Called after entries become due (commit, retry, flush): the runner wakes up. Returns unsubscribe. */
  onDue(listener: () => void): () => void
  /** Make one queued/deferred entry due now. False when there is no such entry. */
  retry(id: string): Promise<boolean>
  /** Make every queued/deferred entry due now; returns how many. */
  flush(): Promise<number>

  // The runner's side.
  /** In-flight entries (a stop that could not finish, or a crash) become queued again; returns how many. */
  recover(): number
  /** Mark due entries in-flight (attempts + 1) and return them. */
  claimDue(options: ClaimOptions): QueuedMessage[]
  /** Earliest next_attempt_at of a queued/deferred entry, or null. */
  nextDueAt(): number | null
  /** Record attempts' outcomes, all in one transaction; resolves once they are durable. */
  saveAttempts(records: readonly AttemptRecord[]): Promise<void>
  /** Put claimed entries back without counting the attempt (stop before the attempt ran). */
  release(ids: readonly string[]): void
  /** Entries whose DSN is owed but not yet durable. */
  owingDsn(): QueuedMessage[]
  /** The owed DSNs of these recipients went out: mark them sent, clear dsn_pending when none is left. */
  markDsnSent(id: string, addresses: readonly string[]): void
  /** Unlink the spool file when no live entry (not final, or owing a DSN) uses it. */
  releaseSpool(spoolPath: string): Promise<boolean>
  /** Entries that may have produced an inbound DSN: by Message-ID of the returned message, or by ENVID. */
  findForReport(keys: { messageId?: string | null; envid?: string | null }): QueuedMessage[]
  /** Record a received DSN against one recipient of an entry. False when the recipient is not in it. */
  recordReport(id: string, address: string, report: ReceivedReport): boolean
  /** Delete finished entries older than `before` (ms); returns how many. */
  purgeFinished(before: number): number
}

export interface OutboundQueueDeps {
  storage: Pick<Storage, 'db' | 'dataDir'>
  clock: Clock
  logger?: Logger
}

const WAITING: QueueState[] = ['queued', 'deferred']
const LIVE: QueueState[] = ['queued', 'in-flight', 'deferred']
/** Due rows looked at per claim pass; entries of saturated domains are skipped within it. */
const CLAIM_SCAN = 500

export function createOutboundQueue(deps: OutboundQueueDeps): OutboundQueue {
  const { db, dataDir } = deps.storage
  const logger = (deps.logger ?? silentLogger).child({ component: 'outbound-queue' })
  const spoolDir = join(dataDir, SPOOL_DIRECTORY)
  const relativePath = (id: string) => `${SPOOL_DIRECTORY}/${id}${SPOOL_EXTENSION}`
  const toMessage = (row: QueueRow) => rowToMessage(row, dataDir)
  const wal = createWalCommit(db.$client)
  const statements = queueStatements(db.$client)
  const listeners = new Set<() => void>()
  const notifyDue = () => {
    for (const listener of listeners) listener()
  }

  const live = or(sql`${outboundQueue.state} NOT IN ('delivered', 'failed')`, eq(outboundQueue.dsnPending, true))
  const liveUsers = (relative: string) => (statements.liveUser.get(relative) ? 1 : 0)

  const queue: OutboundQueue = {
    async stage(input) {
      if (input.recipients.length === 0) throw new Error('an outbound queue entry needs at least one recipient')
      const id = newId('q')
      const file = await writeSpoolFile(spoolDir, `${id}${SPOOL_EXTENSION}`, input.content)
      let settled = false
      return {
        id,
        spoolPath: file.path,
        size: file.size,
        commit() {
          if (settled) throw new Error(`queue entry ${id} already committed or discarded`)
          const now = deps.clock.now()
          const groups = [...groupByDomain(input.recipients)]
          const rows = db.transaction(tx =>
            groups.map(([domain, recipients], i) =>
              tx
                .insert(outboundQueue)
                .values({
                  id: i === 0 ? id : `${id}-${i + 1}`,
                  createdAt: now,
                  sender: input.sender,
                  domain,
                  recipientsJson: JSON.stringify(
                    recipients.map(r => ({ address: r.address, notify: r.notify, orcpt: r.orcpt })),
                  ),
                  spoolPath: relativePath(id),
                  size: file.size,
                  ret: input.ret ?? null,
                  envid: input.envid ?? null,
                  bodyType: input.bodyType ?? null,
                  smtputf8: input.smtputf8 ?? false,
                  requireTls: input.requireTls ?? false,
                  accountId: input.accountId ?? null,
                  state: 'queued',
                  attempts: 0,
                  nextAttemptAt: now,
                })
                .returning()
                .get(),
            ),
          )
          settled = true
          logger.info('queued', { id, domains: groups.length, recipients: input.recipients.length, size: file.size })
          notifyDue()
          return toMessage(rows[0] as QueueRow)
        },
        async discard() {
          if (settled) return
          settled = true
          await unlink(file.path).catch(() => {})
        },
      }
    },

    async enqueue(input) {
      const staged = await queue.stage(input)
      try {
        return staged.commit()
      } catch (e) {
        await staged.discard()
        throw e
      }
    },

    async get(id) {
      const row = db.select().from(outboundQueue).where(eq(outboundQueue.id, id)).get()
      return row ? toMessage(row) : null
    },

    async list(options = {}) {
      const base = db.select().from(outboundQueue)
      const filtered =
        options.state !== undefined
          ? base.where(eq(outboundQueue.state, options.state))
          : options.includeFinished
            ? base
            : base.where(inArray(outboundQueue.state, LIVE))
      const ordered = filtered.orderBy(asc(outboundQueue.id))
      const rows = options.limit === undefined ? ordered.all() : ordered.limit(options.limit).all()
      return rows.map(toMessage)
    },

    async remove(id) {
      const row = db
        .delete(outboundQueue)
        .where(eq(outboundQueue.id, id))
        .returning({ spoolPath: outboundQueue.spoolPath })
        .get()
      if (!row) return false
      if (liveUsers(row.spoolPath) === 0) await unlink(join(dataDir, row.spoolPath)).catch(() => {})
      return true
    },

    async removeOrphans() {
      let names: string[]
      try {
        names = await readdir(spoolDir)
      } catch {
        return []
      }
      const needed = new Set(
        db
          .selectDistinct({ spoolPath: outboundQueue.spoolPath })
          .from(outboundQueue)
          .where(live)
          .all()
          .map(r => r.spoolPath),
      )
      const removed: string[] = []
      for (const name of names) {
        const orphan = name.startsWith(SPOOL_TMP_PREFIX) || !needed.has(`${SPOOL_DIRECTORY}/${name}`)
        if (!orphan) continue
        await unlink(join(spoolDir, name)).catch(() => {})
        removed.push(name)
      }
      if (removed.length > 0) logger.warn('removed spool files no queue entry needs', { files: removed.length })
      return removed
    },

    onDue(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async retry(id) {
      const changed = db
        .update(outboundQueue)
        .set({ state: 'queued', nextAttemptAt: deps.clock.now() })
        .where(and(eq(outboundQueue.id, id), inArray(outboundQueue.state, WAITING)))
        .returning({ id: outboundQueue.id })
        .all()
      if (changed.length > 0) notifyDue()
      return changed.length > 0
    },

    async flush() {
      const now = deps.clock.now()
      const changed = db
        .update(outboundQueue)
        .set({ state: 'queued', nextAttemptAt: now })
        .where(inArray(outboundQueue.state, WAITING))
        .returning({ id: outboundQueue.id })
        .all()
      if (changed.length > 0) notifyDue()
      return changed.length
    },

    recover() {
      const now = deps.clock.now()
      const recovered = db
        .update(outboundQueue)
        .set({ state: 'queued', nextAttemptAt: now })
        .where(eq(outboundQueue.state, 'in-flight'))
        .returning({ id: outboundQueue.id })
        .all().length
      splitLegacyRows()
      return recovered
    },

    claimDue({ now, limit, accept, excludeDomains }) {
      if (limit <= 0) return []
      // A claim need not be durable: lost in a power failure, the entry is simply still due.
      return wal.run(() => {
        // Domains the runner cannot take more of are left out in SQL, so the scan stays short.
        const skip = JSON.stringify(excludeDomains ?? [])
        const due = statements.due.all(now, skip, Math.min(CLAIM_SCAN, limit * 4))
        const claimed: QueuedMessage[] = []
        for (const row of due) {
          if (claimed.length >= limit) break
          if (!accept(row.domain)) continue
          const updated = statements.claim.get(now, row.id)
          if (updated) claimed.push(toMessage(updated))
        }
        return claimed
      })
    },

    nextDueAt() {
      return statements.nextDue.get()?.at ?? null
    },

    async saveAttempts(records) {
      if (records.length === 0) return
      wal.run(() => {
        for (const r of records)
          statements.save.run(
            r.state,
            JSON.stringify(r.results),
            r.nextAttemptAt,
            r.lastError,
            r.dsnPending ? 1 : 0,
            r.delayNotified ? 1 : 0,
            r.finishedAt,
            r.messageId,
            r.id,
          )
      })
      await wal.durable()
    },

    release(ids) {
      if (ids.length === 0) return
      db.update(outboundQueue)
        .set({ state: 'queued', attempts: sql`max(${outboundQueue.attempts} - 1, 0)` })
        .where(and(inArray(outboundQueue.id, [...ids]), eq(outboundQueue.state, 'in-flight')))
        .run()
    },

    owingDsn() {
      return db.select().from(outboundQueue).where(eq(outboundQueue.dsnPending, true)).all().map(toMessage)
    },

    markDsnSent(id, addresses) {
      db.transaction(tx => {
        const row = tx.select().from(outboundQueue).where(eq(outboundQueue.id, id)).get()
        if (!row) return
        const results = JSON.parse(row.resultsJson) as Record<string, RecipientOutcome>
        const done = new Set(addresses.map(a => a.toLowerCase()))
        for (const [key, outcome] of Object.entries(results))
          if (done.has(key) && outcome.dsn === 'owed') outcome.dsn = 'sent'
        const stillOwed = Object.values(results).some(o => o.dsn === 'owed')
        tx.update(outboundQueue)
          .set({ resultsJson: JSON.stringify(results), dsnPending: stillOwed })
          .where(eq(outboundQueue.id, id))
          .run()
      })
    },

    async releaseSpool(spoolPath) {
      const relative = spoolPath.startsWith(dataDir) ? spoolPath.slice(dataDir.length + 1) : spoolPath
      if (liveUsers(relative) > 0) return false
      await unlink(join(dataDir, relative)).catch(() => {})
      return true
    },

    findForReport({ messageId, envid }) {
      const conditions = [
        ...(messageId ? [eq(outboundQueue.messageId, messageId)] : []),
        ...(envid ? [eq(outboundQueue.envid, envid)] : []),
      ]
      if (conditions.length === 0) return []
      return db
        .select()
        .from(outboundQueue)
        .where(or(...conditions))
        .orderBy(asc(outboundQueue.id))
        .all()
        .map(toMessage)
    },

    recordReport(id, address, report) {
      return db.transaction(tx => {
        const row = tx.select().from(outboundQueue).where(eq(outboundQueue.id, id)).get()
        if (!row) return false
        const key = address.toLowerCase()
        const recipients = JSON.parse(row.recipientsJson) as QueuedRecipient[]
        if (!recipients.some(r => r.address.toLowerCase() === key)) return false
        const results = JSON.parse(row.resultsJson) as Record<string, RecipientOutcome>
        const current: RecipientOutcome = results[key] ?? {
          status: 'delivered',
          code: null,
          enhancedStatus: '2.0.0',
          diagnostic: '',
          remoteMta: null,
          at: report.at,
        }
        results[key] = { ...current, report }
        tx.update(outboundQueue)
          .set({ resultsJson: JSON.stringify(results) })
          .where(eq(outboundQueue.id, id))
          .run()
        return true
      })
    },

    purgeFinished(before) {
      return db
        .delete(outboundQueue)
        .where(
          and(
            inArray(outboundQueue.state, ['delivered', 'failed']),
            eq(outboundQueue.dsnPending, false),
            lte(outboundQueue.finishedAt, before),
          ),
        )
        .returning({ id: outboundQueue.id })
        .all().length
    },
  }

  /** Rows queued before migration 0002 hold recipients of several domains: one row per domain. */
  function splitLegacyRows(): void {
    const legacy = db.select().from(outboundQueue).where(eq(outboundQueue.domain, '')).all()
    if (legacy.length === 0) return
    db.transaction(tx => {
      for (const row of legacy) {
        const groups = [...groupByDomain(JSON.parse(row.recipientsJson) as QueuedRecipient[])]
        groups.forEach(([domain, recipients], i) => {
          const values = { domain, recipientsJson: JSON.stringify(recipients) }
          if (i === 0) tx.update(outboundQueue).set(values).where(eq(outboundQueue.id, row.id)).run()
          else
            tx.insert(outboundQueue)
              .values({ ...row, ...values, id: `${row.id}-${i + 1}` })
              .run()
        })
      }
    })
    logger.info('split queue entries by recipient domain', { entries: legacy.length })
  }

  return queue
}
