// The persistent outbound queue: accepted messages that still have remote recipients (authenticated
// submissions, and aliases that forward elsewhere). The inbound pipeline stages and commits entries;
// the delivery worker (delivery issue) reads `queued` rows, delivers, and advances their state.
//
// Two-phase enqueue, so a message with local and remote recipients is acknowledged only when both
// halves are durable: stage() writes the spool file (tmp → fsync → rename → fsync dir), the caller
// delivers locally, then commit() inserts the row — or discard() removes the file. Until commit()
// nothing is visible to the worker, so a rollback can never race a delivery attempt.
import { readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { asc, eq } from 'drizzle-orm'
import type { Clock } from '../../core/clock.ts'
import { newId } from '../../core/ids.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import { outboundQueue } from '../../storage/db/schema.ts'
import type { MessageContent, Storage } from '../../storage/index.ts'
import { SPOOL_DIRECTORY, SPOOL_EXTENSION, SPOOL_TMP_PREFIX, writeSpoolFile } from './spool-file.ts'

export type DsnNotifyValue = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY'

export interface QueuedRecipient {
  address: string
  /** RFC 3461 §4.1 NOTIFY; null = not given (the default, FAILURE, applies). */
  notify: readonly DsnNotifyValue[] | null
  /** RFC 3461 §4.2 ORCPT, kept exactly as received (or the original address after alias expansion). */
  orcpt: { addrType: string; value: string } | null
}

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

export type QueueState = 'queued' | (string & {})

export interface QueuedMessage {
  id: string
  createdAt: number
  sender: string
  recipients: QueuedRecipient[]
  /** Absolute path of the spool file. */
  spoolPath: string
  size: number
  ret: 'FULL' | 'HDRS' | null
  envid: string | null
  bodyType: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8: boolean
  requireTls: boolean
  accountId: number | null
  state: QueueState
  attempts: number
  nextAttemptAt: number
  lastError: string | null
}

/** A spool file written durably but not yet visible as a queue entry. */
export interface StagedMessage {
  readonly id: string
  readonly spoolPath: string
  readonly size: number
  /** Insert the row (state `queued`, due now). Throws if the insert fails; the file stays for discard(). */
  commit(): QueuedMessage
  /** Remove the spool file (after a failed delivery elsewhere, or a failed commit). */
  discard(): Promise<void>
}

export interface OutboundQueue {
  stage(input: EnqueueInput): Promise<StagedMessage>
  /** stage() + commit() for callers with nothing else to make durable. */
  enqueue(input: EnqueueInput): Promise<QueuedMessage>
  get(id: string): Promise<QueuedMessage | null>
  /** Entries in id (= arrival) order, optionally only one state. */
  list(options?: { state?: QueueState }): Promise<QueuedMessage[]>
  /** Delete a row and its spool file (row first: a file without a row is an orphan, never a ghost). */
  remove(id: string): Promise<boolean>
  /**
   * Remove spool files that have no row (a crash between stage and commit, or between a row's
   * delete and its file's unlink). Only at start-up, before anything stages. Returns the names.
   */
  removeOrphans(): Promise<string[]>
}

export interface OutboundQueueDeps {
  storage: Pick<Storage, 'db' | 'dataDir'>
  clock: Clock
  logger?: Logger
}

type Row = typeof outboundQueue.$inferSelect

export function createOutboundQueue(deps: OutboundQueueDeps): OutboundQueue {
  const { db, dataDir } = deps.storage
  const logger = (deps.logger ?? silentLogger).child({ component: 'outbound-queue' })
  const spoolDir = join(dataDir, SPOOL_DIRECTORY)
  const relativePath = (id: string) => `${SPOOL_DIRECTORY}/${id}${SPOOL_EXTENSION}`

  const toMessage = (row: Row): QueuedMessage => ({
    id: row.id,
    createdAt: row.createdAt,
    sender: row.sender,
    recipients: JSON.parse(row.recipientsJson) as QueuedRecipient[],
    spoolPath: join(dataDir, row.spoolPath),
    size: row.size,
    ret: row.ret as QueuedMessage['ret'],
    envid: row.envid,
    bodyType: row.bodyType as QueuedMessage['bodyType'],
    smtputf8: row.smtputf8,
    requireTls: row.requireTls,
    accountId: row.accountId,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
  })

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
          const row = db
            .insert(outboundQueue)
            .values({
              id,
              createdAt: now,
              sender: input.sender,
              recipientsJson: JSON.stringify(
                input.recipients.map(r => ({ address: r.address, notify: r.notify, orcpt: r.orcpt })),
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
            .get()
          settled = true
          logger.info('queued', { id, recipients: input.recipients.length, size: file.size })
          return toMessage(row)
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
      const query = db.select().from(outboundQueue).orderBy(asc(outboundQueue.id))
      const rows = options.state === undefined ? query.all() : query.where(eq(outboundQueue.state, options.state)).all()
      return rows.map(toMessage)
    },

    async remove(id) {
      const row = db
        .delete(outboundQueue)
        .where(eq(outboundQueue.id, id))
        .returning({ spoolPath: outboundQueue.spoolPath })
        .get()
      if (!row) return false
      await unlink(join(dataDir, row.spoolPath)).catch(() => {})
      return true
    },

    async removeOrphans() {
      let names: string[]
      try {
        names = await readdir(spoolDir)
      } catch {
        return []
      }
      const known = new Set(
        db
          .select({ spoolPath: outboundQueue.spoolPath })
          .from(outboundQueue)
          .all()
          .map(r => r.spoolPath),
      )
      const removed: string[] = []
      for (const name of names) {
        const orphan = name.startsWith(SPOOL_TMP_PREFIX) || !known.has(`${SPOOL_DIRECTORY}/${name}`)
        if (!orphan) continue
        await unlink(join(spoolDir, name)).catch(() => {})
        removed.push(name)
      }
      if (removed.length > 0) logger.warn('removed spool files without a queue entry', { files: removed.length })
      return removed
    },
  }
  return queue
}
