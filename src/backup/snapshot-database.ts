// The consistent point of a backup: `VACUUM INTO` (SQLite ≥ 3.27) copies the database as of one
// read transaction into a new file, while the server goes on writing (WAL: readers do not block
// the writer, and the writer does not block this reader). It runs on a connection of its own, so
// it works from the CLI beside a running server as well as inside it. The copy is compact (free
// pages dropped) and is the only full local copy a backup makes; it is removed after upload.
//
// VACUUM INTO runs on the calling thread: a 100 MB index takes about half a second, during which a
// server running a scheduled backup does not serve its event loop.
import { Database } from 'bun:sqlite'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { userError } from '../core/errors.ts'
import { DATABASE_FILE } from '../storage/index.ts'

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE)
}

/** Copy the live database to `target` (which must not exist). */
export async function snapshotDatabase(dataDir: string, target: string): Promise<void> {
  const source = databasePath(dataDir)
  if (!existsSync(source)) throw userError(`no database at ${source}: nothing to back up`, { code: 'not_found' })
  await rm(target, { force: true })
  const db = new Database(source, { readwrite: true, create: false })
  try {
    db.run('PRAGMA busy_timeout = 10000')
    db.query('VACUUM INTO ?').run(target)
  } finally {
    db.close()
  }
}

/** A copy's integrity (restore checks before it replaces anything). */
export function checkDatabaseFile(path: string): string | null {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db.query<{ quick_check: string }, []>('PRAGMA quick_check').all()
    const problems = rows.map(r => r.quick_check).filter(r => r !== 'ok')
    return problems.length === 0 ? null : problems.slice(0, 5).join('; ')
  } catch (e) {
    return (e as Error).message
  } finally {
    db.close()
  }
}
