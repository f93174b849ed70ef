// Group commit for new messages (DESIGN.md "Write path"). Before a client hears 250/OK, its file's
// entry in cur/ and its index row must be durable. Done one message at a time, that costs a cur/
// fsync and a WAL fsync per message, and SQLite's WAL fsync runs inside COMMIT, on the event loop.
// Deliveries that arrive together share that work instead:
//
//   1. the batch's files are written where the callers left that to the committer (`content`: an
//      SMTP delivery, tmp/ then renamed into cur/) and, with every other file of the batch and its
//      cur/ entry, made durable: with syncfs(2) on a worker thread when there is one — one job
//      writes the files and runs one write-back pass for the whole batch, so a delivery costs the
//      event loop no trip of its own to the worker (two trips, write then sync, were a third of a
//      delivery's latency in bench/smtp.ts) and the callers need not fsync each file first
//      (`dataSynced: false`) — else the files are written here, each unsynced file is fdatasynced
//      and each distinct cur/ directory fsynced once. Per-file fsyncs queue on Bun's two file-system
//      threads, each forcing its own journal commit: with 20 SMTP sessions that queue was most of
//      a delivery's latency (bench/smtp.ts), and a sync before the row keeps an index row from ever
//      naming a file whose bytes are not on disk;
//   2. one IMMEDIATE transaction indexes every file of the batch (UIDs and one MODSEQ per mailbox);
//   3. an fdatasync of the -wal file makes that transaction durable;
//   only then is each caller answered. Deliveries arriving meanwhile form the next batch, so batches
//   grow with the load and a lone delivery waits for nobody.
//
// Where steps run. Normally all three run on the file worker (maildir-batch-worker.ts), in one job,
// with the worker's own SQLite connection for steps 2 and 3: the event loop only posts the batch
// and answers the callers (steps 2 and 3 on the event loop were a third of an SMTP delivery's
// event-loop time, bench/smtp.ts). The first batch of a committer takes the steps here instead —
// its step 3 also syncs the directory holding the -wal file, once — and so does every batch once
// syncfs turned out to be unavailable on the worker. There, step 1 runs on the worker when it can
// (writeEachAndSync), step 2 on the event loop, and step 3 as the first thing of the worker's next
// job (or on the thread pool without a worker, where WAL syncs requested while one runs share the
// next one: coalesced-sync.ts).
//
// Step 3 stands in for SQLite's commit-time sync. The batch's transaction runs with
// `synchronous = NORMAL` — in WAL mode COMMIT then write(2)s the frames without syncing — on the
// worker's connection (kept at NORMAL; it writes nothing else), or here, where the connection
// returns to its configured level (FULL) right after. Syncing the -wal file after COMMIT
// persists exactly what FULL would have synced inside COMMIT (every frame up to and including the
// commit frame: fdatasync(2) persists the written data and the file size, all a WAL needs; it
// skips only the timestamps), and the first sync also syncs the directory holding the -wal file, as
// SQLite does for a new WAL. So when a caller is answered its row is as durable as under FULL; only
// the waiting moved off the event loop. Checkpoints keep syncing the WAL before and the database
// after copying (SQLite does so under NORMAL too), and a WAL is only restarted once everything in it
// is in the synced database file. Every other write on the connection keeps FULL.
//
// One difference remains: readers (this process, or the CLI) can see a batch's rows during step 3,
// where FULL publishes a commit only after its sync. Should power fail in that window, such a row
// disappears — but its sender got no 250 and will retry, and no mailbox event was emitted for it,
// since callers are answered and events emitted only after step 3.
import type { Database } from 'bun:sqlite'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../../core/logger.ts'
import type { MailDb } from '../db/open-database.ts'
import { createWalCommit } from '../db/wal-commit.ts'
import { syncDirectory } from '../maildir/sync-directory.ts'
import { syncPath } from '../sync-path.ts'
import {
  type FileJob,
  type IndexAnswer,
  type IndexRow,
  type MaildirBatchWorker,
  type WriteEachAnswer,
  writeFilesHere,
} from './maildir-batch-worker.ts'
import { unknownTargetMailbox } from '../storage-errors.ts'
import { createMessageRowInserter } from './message-row-inserter.ts'
import { deleteMessages, encodedColumns, type InsertedMessage, type NewMessage } from './message-rows.ts'
import { fileJobFor } from './write-message-files.ts'

export interface PendingDelivery {
  mailboxId: number
  /** The folder directory (holding cur/) the file was renamed or linked into, not yet synced. */
  folderDir: string
  message: NewMessage
  /** The file's bytes were fsynced before the rename (default); false: step 1 must sync them. */
  dataSynced?: boolean
  /**
   * The message's bytes when the caller did not write the file: step 1 writes it to tmp/ and
   * renames it to `message.fileName` in cur/, dated `message.internalDate`, then syncs it. A write
   * that fails rejects this delivery alone, with the file system's error (ENOENT: the folder went).
   */
  content?: Uint8Array
}

export interface DeliveryCommitter {
  /**
   * Make the file's cur/ entry durable, index it, make the index durable; resolves with its UID and
   * MODSEQ. Rejects when any step fails (the caller removes its file and reports a temporary error).
   */
  commit(delivery: PendingDelivery): Promise<InsertedMessage>
}

export interface DeliveryCommitterDeps {
  db: MailDb
  sqlite: Database
  logger: Logger
  /**
   * Step 1 off the event loop (maildir-batch-worker.ts writeEachAndSync): write each file, then
   * syncfs(2) each file system holding one of the paths — after an fdatasync of the WAL for the
   * previous batch's step 3. Null where no worker can run; a sync outcome of 'unavailable' where
   * syncfs cannot: step 1 then syncs file by file.
   */
  fileWork?: MaildirBatchWorker['writeEachAndSync']
  /**
   * All three steps on the worker (maildir-batch-worker.ts writeSyncAndIndex), with its own
   * connection to this database: used once the WAL's directory has been synced (the first batch
   * goes the other way), while syncfs works there.
   */
  indexOnWorker?: MaildirBatchWorker['writeSyncAndIndex']
}

interface Waiting {
  delivery: PendingDelivery
  resolve(row: InsertedMessage): void
  reject(error: unknown): void
}

interface Indexed {
  entry: Waiting
  row: InsertedMessage
}

/**
 * One folder per file system among `dirs`, for syncfs; throws when a folder is gone. A folder's
 * device is remembered once seen (a folder does not move to another file system while it exists):
 * a stat per folder and batch was 2% of the SMTP server's time (bench/smtp.ts profile). A folder
 * removed since is still caught: writing its file fails with ENOENT.
 */
function createFileSystemAnchors(): (dirs: readonly string[]) => string[] {
  const devices = new Map<string, number>()
  return dirs => {
    if (devices.size > 10_000) devices.clear()
    const anchors = new Map<number, string>()
    for (const dir of dirs) {
      let dev = devices.get(dir)
      if (dev === undefined) {
        dev = statSync(dir).dev
        devices.set(dir, dev)
      }
      if (!anchors.has(dev)) anchors.set(dev, dir)
    }
    return [...anchors.values()]
  }
}

/** Rows per transaction: bounds how long one batch holds the event loop. */
const MAX_BATCH = 256

export function createDeliveryCommitter(deps: DeliveryCommitterDeps): DeliveryCommitter {
  const { db, sqlite, logger } = deps
  const wal = createWalCommit(sqlite)
  const inserter = createMessageRowInserter(db)
  const rowId = sqlite.query<{ id: number }, [number, number]>(
    'SELECT id FROM messages WHERE mailbox_id = ? AND uid = ?',
  )
  const queue: Waiting[] = []
  let flushing = false
  const fileSystemAnchors = createFileSystemAnchors()
  /** The folders to syncfs for a batch; null when one is gone (the per-entry path reports it). */
  const anchorsOf = (batch: readonly Waiting[]): string[] | null => {
    try {
      return fileSystemAnchors(batch.map(e => e.delivery.folderDir))
    } catch {
      return null
    }
  }

  /** Step 2: one transaction for the batch; undefined rows are mailboxes that no longer exist. */
  const insertBatch = (entries: readonly Waiting[]): Array<InsertedMessage | undefined> => {
    const byMailbox = new Map<number, number[]>()
    entries.forEach((entry, i) => {
      const list = byMailbox.get(entry.delivery.mailboxId)
      if (list) list.push(i)
      else byMailbox.set(entry.delivery.mailboxId, [i])
    })
    return wal.run(() => {
      const rows = new Array<InsertedMessage | undefined>(entries.length)
      for (const [mailboxId, indexes] of byMailbox) {
        // Every caller names its file with a fresh unique name (maildir/unique-name.ts).
        const inserted = inserter.insert(
          mailboxId,
          indexes.map(i => (entries[i] as Waiting).delivery.message),
          { freshNames: true },
        )
        if (inserted) indexes.forEach((i, k) => (rows[i] = inserted[k]))
      }
      return rows
    })
  }

  /**
   * Step 2. A failed transaction fails the whole batch: what makes it fail (SQLITE_BUSY after
   * busy_timeout, a full disk, an I/O error) is not about one message, and retrying entry by entry
   * would hold the event loop for one busy_timeout per entry.
   */
  const indexBatch = (entries: readonly Waiting[]): Indexed[] => {
    let rows: Array<InsertedMessage | undefined>
    try {
      rows = insertBatch(entries)
    } catch (e) {
      for (const entry of entries) entry.reject(e)
      return []
    }
    const indexed: Indexed[] = []
    entries.forEach((entry, i) => {
      const row = rows[i]
      if (row) indexed.push({ entry, row })
      else entry.reject(unknownTargetMailbox(entry.delivery.mailboxId))
    })
    return indexed
  }

  /** Step 3, then answer the callers. */
  const makeDurable = async (indexed: readonly Indexed[]): Promise<void> => {
    try {
      await wal.durable()
    } catch (e) {
      // Not known to be durable: take the rows back so the index never names files the callers
      // are about to remove, then fail every delivery of the batch.
      logger.error('sync of the SQLite WAL failed; deliveries refused', { error: e })
      forgetRows(indexed)
      for (const { entry } of indexed) entry.reject(e)
      return
    }
    answer(indexed)
  }

  const answer = (indexed: readonly Indexed[]) => {
    for (const { entry, row } of indexed) entry.resolve(row)
  }

  const forgetRows = (indexed: readonly Indexed[]) => {
    try {
      sqlite
        .transaction(() => {
          for (const { entry, row } of indexed) {
            const found = rowId.get(entry.delivery.mailboxId, row.uid)
            if (found) deleteMessages(db, entry.delivery.mailboxId, [{ id: found.id, uid: row.uid }])
          }
        })
        .immediate()
    } catch (e) {
      // Reconcile drops rows whose file is gone at the next start.
      logger.error('could not remove index rows of a failed batch', { error: e })
    }
  }

  /**
   * Step 1: the batch's files written and durable; entries that could not be are refused. The same
   * worker job first makes the previous batch's WAL durable (its step 3) and answers it at once:
   * one thread does both syncs in turn instead of a pool thread's fdatasync racing the syncfs for
   * the disk, and the event loop handles no pool callback per batch.
   */
  const syncFiles = async (batch: readonly Waiting[], previous: readonly Indexed[]): Promise<Waiting[]> => {
    const onWorker = await writeAndSyncOnWorker(batch, previous)
    if (onWorker) return onWorker.synced ? onWorker.written : syncEach(onWorker.written)
    if (previous.length > 0) void makeDurable(previous)
    return syncEach(writeHere(batch))
  }

  const fileJobOf = (entry: Waiting): FileJob =>
    fileJobFor(entry.delivery.folderDir, {
      fileName: entry.delivery.message.fileName,
      content: entry.delivery.content as Uint8Array,
      mtime: entry.delivery.message.internalDate,
    })

  /**
   * One worker job: the unwritten files, then syncfs once per file system the batch wrote to
   * (statting each distinct folder tells which). Null when that cannot run here (no worker, or a
   * folder vanished: the per-entry path reports it for the entries concerned); `synced: false`
   * when the files were written but syncfs is unavailable.
   */
  const writeAndSyncOnWorker = async (
    batch: readonly Waiting[],
    previous: readonly Indexed[],
  ): Promise<{ written: Waiting[]; synced: boolean } | null> => {
    if (!deps.fileWork) return null
    const anchors = anchorsOf(batch)
    if (anchors === null) return null
    const unwritten = batch.filter(e => e.delivery.content !== undefined)
    const walPath = previous.length > 0 ? wal.readyWalPath() : null
    const job = deps.fileWork(
      unwritten.map(fileJobOf),
      anchors,
      walPath === null ? undefined : { fdatasyncFirst: walPath },
    )
    if (!job) return null
    if (previous.length > 0) {
      // Answered as soon as the worker's fdatasync is done; anything else takes the pool's sync.
      void (job.fdatasynced ?? Promise.resolve('failed')).then(
        outcome => (outcome === 'synced' ? answer(previous) : makeDurable(previous)),
        () => makeDurable(previous),
      )
    }
    let answered: WriteEachAnswer
    try {
      answered = await job.written
    } catch (e) {
      // The worker died mid-job: which files it wrote is unknown; the callers remove theirs.
      for (const entry of batch) entry.reject(e)
      return { written: [], synced: true }
    }
    const written = refuseUnwritten(batch, new Map(unwritten.map((entry, i) => [entry, i])), answered.errors)
    if (answered.synced.includes('failed')) {
      refuseUnsynced(written, anchors)
      return { written: [], synced: true }
    }
    return { written, synced: !answered.synced.includes('unavailable') }
  }

  /**
   * Refuse each entry whose file the worker could not write (`errors` by the file's index among
   * the job's files); the others, in batch order.
   */
  const refuseUnwritten = (
    batch: readonly Waiting[],
    fileIndex: ReadonlyMap<Waiting, number>,
    errors: ReadonlyArray<Error | null>,
  ): Waiting[] =>
    batch.filter(entry => {
      const index = fileIndex.get(entry)
      const error = index === undefined ? null : errors[index]
      if (error) entry.reject(error)
      return !error
    })

  /** A failed syncfs: since Linux 5.8 it reports write-back errors, so some data may not be on disk. */
  const refuseUnsynced = (entries: readonly Waiting[], anchors: readonly string[]) => {
    const error = new Error(`syncfs of the file system holding ${anchors.join(', ')} failed`)
    logger.error('syncing delivered files failed; deliveries refused', { folders: anchors })
    for (const entry of entries) entry.reject(error)
  }

  /** No worker: the unwritten files are written on this thread, each on its own. */
  const writeHere = (batch: readonly Waiting[]): Waiting[] =>
    batch.filter(entry => {
      if (entry.delivery.content === undefined) return true
      try {
        writeFilesHere([fileJobOf(entry)])
        return true
      } catch (e) {
        entry.reject(e)
        return false
      }
    })

  /** Fallback: fdatasync each file not synced yet, then one fsync per distinct cur/. */
  const syncEach = async (batch: readonly Waiting[]): Promise<Waiting[]> => {
    const curOf = (entry: Waiting) => join(entry.delivery.folderDir, 'cur')
    const failures = new Map<Waiting, unknown>()
    await Promise.all(
      batch
        .filter(entry => entry.delivery.dataSynced === false || entry.delivery.content !== undefined)
        .map(entry =>
          syncPath(join(curOf(entry), entry.delivery.message.fileName), 'fdatasync').catch((e: unknown) => {
            failures.set(entry, e ?? new Error('fdatasync failed'))
          }),
        ),
    )
    const pending = new Map<string, Promise<unknown>>()
    for (const entry of batch) {
      const cur = curOf(entry)
      if (!pending.has(cur))
        pending.set(
          cur,
          syncDirectory(cur).then(
            () => null,
            (e: unknown) => e ?? new Error(`fsync of ${cur} failed`),
          ),
        )
    }
    const directoryFailures = new Map<string, unknown>()
    for (const [cur, done] of pending) {
      const error = await done
      if (error !== null) directoryFailures.set(cur, error)
    }
    const ready: Waiting[] = []
    for (const entry of batch) {
      const error = failures.get(entry) ?? directoryFailures.get(curOf(entry))
      if (error === undefined) ready.push(entry)
      else entry.reject(error)
    }
    return ready
  }

  /** Set when the worker's syncfs turned out unavailable: step 2 stays on this thread from then on. */
  let workerIndexing = true

  /**
   * The whole batch on the worker: files written, synced, indexed on its connection, WAL synced.
   * False when that cannot run (no worker, WAL not ready, a folder vanished, syncfs unavailable):
   * the caller then takes the batch through the steps here. Otherwise every entry is settled.
   */
  const commitOnWorker = async (batch: readonly Waiting[]): Promise<boolean> => {
    const walPath = wal.readyWalPath()
    if (!deps.indexOnWorker || !workerIndexing || walPath === null || batch.length === 0) return false
    const anchors = anchorsOf(batch)
    if (anchors === null) return false
    const unwritten = batch.filter(e => e.delivery.content !== undefined)
    const fileIndex = new Map(unwritten.map((entry, i) => [entry, i]))
    const rows: IndexRow[] = batch.map(entry => {
      const { mailboxId, message } = entry.delivery
      const { keywords, envelopeJson, bodystructureJson } = encodedColumns(message)
      const file = fileIndex.get(entry) ?? -1
      return [
        mailboxId,
        message.fileName,
        message.size,
        message.internalDate,
        message.flags,
        keywords,
        envelopeJson,
        bodystructureJson,
        file,
      ]
    })
    const job = deps.indexOnWorker(unwritten.map(fileJobOf), anchors, { db: sqlite.filename, rows })
    if (!job) return false
    let result: IndexAnswer
    try {
      result = await job
    } catch (e) {
      // The worker died mid-job: the callers remove their files; rows it may have committed name
      // files that are gone, which reconcile drops at the next start.
      for (const entry of batch) entry.reject(e)
      return true
    }
    const pending = refuseUnwritten(batch, fileIndex, result.errors)
    if (result.synced.includes('failed')) {
      refuseUnsynced(pending, anchors)
      return true
    }
    if (result.synced.includes('unavailable')) {
      // Written, not synced: the steps here finish this batch, and every later one.
      workerIndexing = false
      const indexed = indexBatch(await syncEach(pending))
      if (indexed.length > 0) void makeDurable(indexed)
      return true
    }
    if (result.indexError !== undefined || !result.rows) {
      const error = new Error(`indexing the delivered messages failed: ${result.indexError ?? 'no answer'}`)
      for (const entry of pending) entry.reject(error)
      return true
    }
    const indexed: Indexed[] = []
    const position = new Map(batch.map((entry, i) => [entry, i]))
    for (const entry of pending) {
      const row = result.rows[position.get(entry) as number]
      if (row) {
        const [uid, modseq, uidValidity] = row
        indexed.push({ entry, row: { fileName: entry.delivery.message.fileName, uid, modseq, uidValidity } })
      } else entry.reject(unknownTargetMailbox(entry.delivery.mailboxId))
    }
    if (result.walSynced) answer(indexed)
    else void makeDurable(indexed) // its own sync, which also takes the rows back if it fails
    return true
  }

  const drain = async () => {
    flushing = true
    // Indexed, waiting for step 3: done by the next worker job, which runs even with no new batch.
    let awaitingWal: Indexed[] = []
    try {
      // Deliveries started in the same tick (several recipients of one message) join the first batch.
      await null
      while (queue.length > 0 || awaitingWal.length > 0) {
        const batch = queue.splice(0, MAX_BATCH)
        const previous = awaitingWal
        awaitingWal = []
        try {
          if (previous.length === 0 && (await commitOnWorker(batch))) continue
          const indexed = indexBatch(await syncFiles(batch, previous))
          if (indexed.length === 0) continue
          if (deps.fileWork && wal.readyWalPath() !== null) awaitingWal = indexed
          // Not awaited: the next batch's files are synced while this WAL sync runs.
          else void makeDurable(indexed)
        } catch (e) {
          // Every step settles its entries itself; this guard only keeps a bug from hanging callers
          // (settling an entry twice does nothing).
          for (const entry of batch) entry.reject(e)
          for (const { entry } of previous) entry.reject(e)
        }
      }
    } finally {
      flushing = false
    }
  }

  return {
    commit(delivery) {
      return new Promise<InsertedMessage>((resolve, reject) => {
        queue.push({ delivery, resolve, reject })
        if (!flushing) void drain()
      })
    },
  }
}
