// A stamp that changes whenever a row that routing and delivery look up (domains, accounts, aliases,
// mailbox names and folders) may have changed, so those lookups can be cached for as long as it stays
// the same. Every RCPT TO and every delivery starts with four of them, and reading the stamp costs
// a fraction of one (bench/smtp.ts profile).
//
// Two sources:
//   - changes made through this connection: TEMP triggers (visible to this connection only) set a
//     counter in a TEMP table to a fresh random value. Random rather than +1, so a transaction that
//     is rolled back after a lookup cached its uncommitted rows can never be followed by a commit
//     that lands on the same value;
//   - commits by other connections (the CLI, another process, the file worker that indexes
//     deliveries): the `catalog_stamp` row (migration 0006), which triggers on the same tables set
//     to a fresh random value in every connection. PRAGMA data_version, used before, moves with any
//     commit by another connection — with deliveries indexed on the worker, with every one of them.
// Updates of columns nobody caches (uid_next, highest_modseq, password_hash, updated_at, …) and
// message rows do not fire, so the steady stream of deliveries keeps the caches warm.
import type { Database } from 'bun:sqlite'

export interface CatalogVersion {
  /** The current stamp; equal stamps mean the cached rows are still what the database holds. */
  read(): string
}

const WATCHED: ReadonlyArray<{ name: string; on: string }> = [
  { name: 'domains_ins', on: 'INSERT ON main.domains' },
  { name: 'domains_upd', on: 'UPDATE ON main.domains' },
  { name: 'domains_del', on: 'DELETE ON main.domains' },
  { name: 'accounts_ins', on: 'INSERT ON main.accounts' },
  { name: 'accounts_upd', on: 'UPDATE OF id, email, domain_id, quota_bytes, disabled ON main.accounts' },
  { name: 'accounts_del', on: 'DELETE ON main.accounts' },
  { name: 'aliases_ins', on: 'INSERT ON main.aliases' },
  { name: 'aliases_upd', on: 'UPDATE ON main.aliases' },
  { name: 'aliases_del', on: 'DELETE ON main.aliases' },
  { name: 'mailboxes_ins', on: 'INSERT ON main.mailboxes' },
  { name: 'mailboxes_upd', on: 'UPDATE OF id, account_id, name, folder ON main.mailboxes' },
  { name: 'mailboxes_del', on: 'DELETE ON main.mailboxes' },
]

export function createCatalogVersion(sqlite: Database): CatalogVersion {
  let uncached = 0
  const never = () => `uncached:${++uncached}`
  try {
    sqlite.run('CREATE TEMP TABLE IF NOT EXISTS catalog_changes (stamp INTEGER NOT NULL)')
    sqlite.run(
      'INSERT INTO temp.catalog_changes (stamp) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.catalog_changes)',
    )
    for (const { name, on } of WATCHED) {
      sqlite.run(
        `CREATE TEMP TRIGGER IF NOT EXISTS catalog_${name} AFTER ${on} ` +
          'BEGIN UPDATE temp.catalog_changes SET stamp = random(); END',
      )
    }
  } catch {
    // A connection that cannot hold TEMP objects (or tables that do not exist yet): never cache.
    return { read: never }
  }
  const own = sqlite.query<{ stamp: number }, []>('SELECT stamp FROM temp.catalog_changes')
  const other = otherConnectionsStamp(sqlite)
  // Reading the main database costs more than a lookup (a read lock on the WAL), so the shared
  // stamp is read at most every SHARED_STAMP_MS: a commit by another connection is seen that much
  // later at most (it is not ordered against this process's lookups anyway: it may land just before
  // or just after them). Read once per turn of the event loop, it was 3% of the SMTP server's time
  // (bench/smtp.ts profile). This connection's own changes are seen at once.
  let otherStamp = other()
  let otherReadAt = Date.now()
  return {
    read() {
      const now = Date.now()
      if (now - otherReadAt >= SHARED_STAMP_MS) {
        otherStamp = other()
        otherReadAt = now
      }
      const stamp = own.get()?.stamp
      return stamp === undefined ? never() : `${stamp}:${otherStamp}`
    },
  }
}

/** How stale another connection's catalog change may be seen (ms). */
export const SHARED_STAMP_MS = 10

/** The shared stamp; PRAGMA data_version where the database predates it (a read-only copy). */
function otherConnectionsStamp(sqlite: Database): () => number {
  try {
    const shared = sqlite.query<{ stamp: number }, []>('SELECT stamp FROM main.catalog_stamp WHERE id = 1')
    return () => shared.get()?.stamp ?? -1
  } catch {
    const pragma = sqlite.query<{ data_version: number }, []>('PRAGMA data_version')
    return () => pragma.get()?.data_version ?? -1
  }
}

/**
 * `load` memoised per key while the catalog stamp stays the same (results that are undefined too:
 * unknown recipients are asked for again and again). Bounded: past `maxEntries` it starts over.
 */
export function catalogMemo<V>(
  version: CatalogVersion,
  load: (key: string) => V,
  maxEntries = 10_000,
): (key: string) => V {
  let stampOfCache = ''
  const cache = new Map<string, V>()
  return key => {
    const now = version.read()
    if (now !== stampOfCache || cache.size >= maxEntries) {
      cache.clear()
      stampOfCache = now
    }
    if (cache.has(key)) return cache.get(key) as V
    const value = load(key)
    cache.set(key, value)
    return value
  }
}
