// What every SQLite/Maildir repository needs; built once by createStorage.
import type { Database } from 'bun:sqlite'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import type { CatalogVersion } from '../db/catalog-version.ts'
import type { MailDb } from '../db/open-database.ts'
import type { KeyedMutex } from '../keyed-mutex.ts'
import type { MailboxEvents } from '../mailbox-events.ts'
import { accountMaildirPath, folderPath } from '../maildir/maildir-path.ts'
import type { UniqueNameGenerator } from '../maildir/unique-name.ts'

export interface RepositoryContext {
  db: MailDb
  sqlite: Database
  dataDir: string
  logger: Logger
  clock: Clock
  names: UniqueNameGenerator
  /** Per-mailbox serialisation of file renames/unlinks (see keyed-mutex.ts). */
  locks: KeyedMutex
  /** Emitted after each committed mailbox change (append, expunge, flags, rename, delete). */
  events: MailboxEvents
  /** Changes when domains, accounts, aliases or mailbox names may have changed (lookup caches). */
  catalog: CatalogVersion
}

/** The Maildir directory of an account, from its stored (normalised) address. */
export function accountDirFor(ctx: RepositoryContext, email: string): string {
  const at = email.lastIndexOf('@')
  return accountMaildirPath(ctx.dataDir, email.slice(at + 1), email.slice(0, at))
}

/** The directory of a mailbox's folder (holding cur/ new/ tmp/). */
export const mailboxDirFor = (ctx: RepositoryContext, email: string, folder: string) =>
  folderPath(accountDirFor(ctx, email), folder)

export const mailboxLockKey = (mailboxId: number) => `mailbox:${mailboxId}`
