// Opens (creating if needed) the SQLite index and brings its schema up to date.
//
// PRAGMAs:
//   journal_mode = WAL   readers (IMAP sessions, the CLI) never block the writer;
//   synchronous = FULL   a commit is on disk before we answer 250/OK, even across power loss.
//                        WAL + NORMAL may lose the last commits on power failure; FULL costs about
//                        110 µs per commit instead of 26 µs (measured, shared notes §5) — cheap
//                        next to the fsyncs of the Maildir write path. Message deliveries are the
//                        exception in form, not in guarantee: their batched transactions commit
//                        under NORMAL and fdatasync the WAL off the event loop before anyone is
//                        answered (repositories/delivery-committer.ts);
//   busy_timeout = 5000  the CLI opens the same file while the server runs: wait for the other
//                        writer's lock instead of failing with SQLITE_BUSY;
//   foreign_keys = ON    SQLite's default is off, per connection.
import { Database } from 'bun:sqlite'
import { existsSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { drizzle, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import { MailError, errorMessage, isMailError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import { applyMigrations } from './apply-migrations.ts'
import { type EmbeddedMigration, embeddedMigrations } from './migrations.ts'
import { prepareDirectory, undoPrepare } from './prepare-directory.ts'
import * as schema from './schema.ts'

/** Drizzle over bun:sqlite; `$client` is the raw connection. */
export type MailDb = BunSQLiteDatabase<typeof schema> & { $client: Database }

export interface OpenedDatabase {
  /** Drizzle handle (synchronous queries; bun:sqlite). */
  db: MailDb
  /** The raw connection, for PRAGMAs and hand-written SQL inside repositories. */
  sqlite: Database
  /** Migration tags applied by this open (empty when the schema was already current). */
  applied: string[]
  close(): void
}

export interface OpenDatabaseOptions {
  logger?: Logger
  /** Defaults to the migrations embedded in this build. */
  migrations?: readonly EmbeddedMigration[]
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const prepared = prepareDirectory(dirname(file))
  const existed = existsSync(file)
  let sqlite: Database | undefined
  try {
    sqlite = new Database(file, { create: true, readwrite: true, strict: true })
    sqlite.run('PRAGMA busy_timeout = 5000')
    const mode = sqlite.query<{ journal_mode: string }, []>('PRAGMA journal_mode = WAL').get()
    if (mode?.journal_mode !== 'wal') {
      options.logger?.warn('SQLite refused WAL mode; running with a rollback journal', { mode: mode?.journal_mode })
    }
    sqlite.run('PRAGMA synchronous = FULL')
    sqlite.run('PRAGMA foreign_keys = ON')
    const applied = applyMigrations(sqlite, options.migrations ?? embeddedMigrations())
    if (applied.length > 0) options.logger?.info('database migrated', { file, applied })
    const db = drizzle({ client: sqlite, schema })
    const connection = sqlite
    return { db, sqlite: connection, applied, close: () => connection.close() }
  } catch (e) {
    sqlite?.close()
    if (!existed) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true })
    }
    undoPrepare(prepared)
    if (isMailError(e)) throw e
    throw new MailError(
      'internal',
      `cannot open database ${file}: ${errorMessage(e)}`,
      { code: 'database_open_failed' },
      { cause: e },
    )
  }
}
