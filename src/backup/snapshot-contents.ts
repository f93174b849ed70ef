// Which files a snapshot needs: every message file its index names, and the spool file of every
// outbound queue entry still to be delivered. Read from the snapshot copy, not the live database
// (storage repositories serve the live one), hence the SQL here: read-only, on a file nobody else
// opens. Paths are relative to the data directory with '/' separators.
import { Database } from 'bun:sqlite'
import { accountMaildirPath, folderPath } from '../storage/maildir/maildir-path.ts'

export interface SnapshotFile {
  /** Path relative to the data directory. */
  path: string
  size: number
  /** For message files: the account's Maildir (relative) and the unique part, to find a renamed file. */
  message?: { accountDir: string; base: string }
}

export interface SnapshotCounts {
  accounts: number
  mailboxes: number
  messages: number
}

const relativeTo = (dataDir: string, path: string) =>
  path
    .slice(dataDir.length + 1)
    .split('\\')
    .join('/')

export function listSnapshotFiles(snapshotPath: string): SnapshotFile[] {
  const db = new Database(snapshotPath, { readonly: true })
  try {
    // A placeholder data dir: paths are built the way storage builds them, then made relative.
    const root = '/d'
    const files: SnapshotFile[] = []
    const rows = db
      .query<{ email: string; folder: string; file: string; size: number }, []>(
        'SELECT a.email AS email, mb.folder AS folder, m.maildir_file AS file, m.size AS size ' +
          'FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id JOIN accounts a ON a.id = mb.account_id ' +
          'ORDER BY a.id, mb.id, m.uid',
      )
      .all()
    for (const row of rows) {
      const at = row.email.lastIndexOf('@')
      const accountDir = accountMaildirPath(root, row.email.slice(at + 1), row.email.slice(0, at))
      const colon = row.file.indexOf(':')
      files.push({
        path: relativeTo(root, `${folderPath(accountDir, row.folder)}/cur/${row.file}`),
        size: row.size,
        message: { accountDir: relativeTo(root, accountDir), base: colon < 0 ? row.file : row.file.slice(0, colon) },
      })
    }
    const hasQueue = db.query(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbound_queue'`).get()
    if (hasQueue) {
      const spool = db
        .query<{ path: string; size: number }, []>(
          `SELECT spool_path AS path, MAX(size) AS size FROM outbound_queue ` +
            `WHERE state IN ('queued', 'in-flight', 'deferred') GROUP BY spool_path ORDER BY spool_path`,
        )
        .all()
      for (const row of spool) files.push({ path: row.path.split('\\').join('/'), size: row.size })
    }
    return files
  } finally {
    db.close()
  }
}

export function countSnapshot(snapshotPath: string): SnapshotCounts {
  const db = new Database(snapshotPath, { readonly: true })
  try {
    const count = (table: string) => db.query<{ n: number }, []>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0
    return { accounts: count('accounts'), mailboxes: count('mailboxes'), messages: count('messages') }
  } finally {
    db.close()
  }
}
