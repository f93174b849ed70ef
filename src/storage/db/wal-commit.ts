// Commits without a WAL fsync on the event loop, for the message delivery committer
// (repositories/delivery-committer.ts) and the outbound queue (delivery/queue). Under
// `synchronous = FULL` every COMMIT fsyncs the -wal file inside the call — about 4 ms on this
// class of disk, during which nothing else runs — so a runner recording one attempt per commit
// (or a delivery per commit) tops out near 250 per second. Here the transaction runs under NORMAL
// (COMMIT writes the frames without syncing) and the connection returns to its configured level
// right after; callers that need the rows durable await an fdatasync of the -wal file on the
// thread pool (or, once readyWalPath() names it, from a worker), which persists exactly what FULL
// would have (every frame up to the commit frame). Syncs requested while one runs share the next
// one, so a busy server pays one fsync per batch, not per row.
import type { Database } from 'bun:sqlite'
import { dirname } from 'node:path'
import { coalescedSync } from '../maildir/coalesced-sync.ts'
import { syncDirectory } from '../maildir/sync-directory.ts'
import { syncPath } from '../sync-path.ts'

const SQLITE_FULL = 2

export interface WalCommit {
  /** Run `fn` in an IMMEDIATE transaction whose commit is not synced yet. */
  run<T>(fn: () => T): T
  /** Resolves once everything committed before the call is durable. */
  durable(): Promise<void>
  /**
   * The -wal file, once durable() has synced its directory, when commits are synced by hand: an
   * fdatasync of it (from any thread) then does what durable() does. Null otherwise — call durable().
   */
  readyWalPath(): string | null
}

export function createWalCommit(sqlite: Database): WalCommit {
  const journal = sqlite.query<{ journal_mode: string }, []>('PRAGMA journal_mode').get()?.journal_mode
  const level = sqlite.query<{ synchronous: number }, []>('PRAGMA synchronous').get()?.synchronous ?? SQLITE_FULL
  // Only a file database in WAL mode at FULL (or EXTRA) is synced by hand; anything else commits as configured.
  const byHand = journal === 'wal' && level >= SQLITE_FULL && sqlite.filename !== '' && sqlite.filename !== ':memory:'
  const walPath = `${sqlite.filename}-wal`
  const toNormal = sqlite.query('PRAGMA synchronous = NORMAL')
  const toConfigured = sqlite.query(`PRAGMA synchronous = ${level}`)
  let walDirectorySynced = false
  const syncWal = coalescedSync(async () => {
    await syncPath(walPath, 'fdatasync')
    if (!walDirectorySynced) {
      await syncDirectory(dirname(walPath))
      walDirectorySynced = true
    }
  })
  // Prepared once: bun:sqlite's transaction() builds its wrapper anew on every call, which showed
  // in the SMTP profile (a transaction per delivery batch).
  const begin = sqlite.query('BEGIN IMMEDIATE')
  const commit = sqlite.query('COMMIT')
  const rollback = sqlite.query('ROLLBACK')
  const immediate = <T>(fn: () => T): T => {
    // Inside another transaction: a savepoint, as transaction() would do.
    if (sqlite.inTransaction) return sqlite.transaction(fn)()
    begin.run()
    try {
      const result = fn()
      commit.run()
      return result
    } catch (e) {
      // A failed COMMIT (a full disk) may leave the transaction open; SQLite may also have ended it.
      if (sqlite.inTransaction) rollback.run()
      throw e
    }
  }
  return {
    run(fn) {
      if (!byHand) return immediate(fn)
      toNormal.run()
      try {
        return immediate(fn)
      } finally {
        toConfigured.run()
      }
    },
    durable: () => (byHand ? syncWal() : Promise.resolve()),
    readyWalPath: () => (byHand && walDirectorySynced ? walPath : null),
  }
}
