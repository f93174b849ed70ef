// The storage factory the server and the CLI call (DESIGN.md "Storage contract"). Everything
// protocols need goes through the returned object; only repositories touch SQL or the Maildir.
//
//   <dataDir>/mail.db     SQLite index (WAL; -wal and -shm beside it)
//   <dataDir>/maildir/    message bodies, see maildir/maildir-path.ts
//
// The server reconciles once at start, before it opens listeners (`reconcile: true`, or call
// `reconcile()`); the CLI does not: it may run while the server is up, where a reconcile is safe
// for delivered mail but can race a mailbox RENAME/DELETE in flight and is slow on big installations.
import { mkdirSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Clock, systemClock } from '../core/clock.ts'
import { errorMessage, temporaryError } from '../core/errors.ts'
import { type Logger, silentLogger } from '../core/logger.ts'
import { createCatalogVersion } from './db/catalog-version.ts'
import { type MailDb, openDatabase } from './db/open-database.ts'
import { createKeyedMutex } from './keyed-mutex.ts'
import { createMailboxEvents, type MailboxEvents } from './mailbox-events.ts'
import { maildirRoot } from './maildir/maildir-path.ts'
import { createUniqueNameGenerator } from './maildir/unique-name.ts'
import { notWritableError, prepareDirectory, undoPrepare } from './db/prepare-directory.ts'
import { type AccountRepository, createAccountRepository } from './repositories/accounts.ts'
import { type AliasRepository, createAliasRepository } from './repositories/aliases.ts'
import { type AuditRepository, createAuditRepository } from './repositories/audit.ts'
import type { RepositoryContext } from './repositories/context.ts'
import { createDomainRepository, type DomainRepository } from './repositories/domains.ts'
import { createMailboxRepository, type MailboxRepository } from './repositories/mailboxes.ts'
import { createMessageRepository, type MessageRepository, moveAllMessages } from './repositories/messages.ts'
import { createMessageBatchAppender, type MessageBatchAppender } from './repositories/message-batch-append.ts'
import { createReconciler, type ReconcileOptions, type ReconcileReport } from './repositories/reconcile.ts'
import { createRecipientResolver, type RecipientResolution } from './repositories/resolve-recipient.ts'

export interface StorageOptions {
  dataDir: string
  logger?: Logger
  clock?: Clock
  /** Host name in Maildir unique names; defaults to os.hostname(). */
  hostname?: string
  /** Run `reconcile()` before returning (server start). Default false. */
  reconcile?: boolean
}

export interface Storage {
  readonly dataDir: string
  /** Drizzle handle for tables other parts add later (queue, sessions, DAV, tokens). */
  readonly db: MailDb
  readonly domains: DomainRepository
  readonly accounts: AccountRepository
  readonly aliases: AliasRepository
  readonly mailboxes: MailboxRepository
  readonly messages: MessageRepository
  /** Bulk append for imports: many messages, one durable sync and one transaction per batch. */
  readonly messageBatches: MessageBatchAppender
  readonly audit: AuditRepository
  /** Committed mailbox changes, for IMAP sessions (SELECT, IDLE); see mailbox-events.ts. */
  readonly events: MailboxEvents
  /** Migration tags this open applied (empty when the schema was already current). */
  readonly migrationsApplied: readonly string[]
  /** Who receives mail for an address (SMTP RCPT TO). Throws `invalid_address` on bad syntax. */
  resolveRecipient(address: string): Promise<RecipientResolution>
  /** Make index and Maildir agree (start-up; see repositories/reconcile.ts). */
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>
  /** Readiness probe: a write lock on mail.db and a durable file write in maildir/; throws when either fails. */
  checkWritable(): Promise<string>
  close(): void
}

export const DATABASE_FILE = 'mail.db'

export async function createStorage(options: StorageOptions): Promise<Storage> {
  const logger = options.logger ?? silentLogger
  const clock = options.clock ?? systemClock
  const prepared = prepareDirectory(options.dataDir)
  let opened: ReturnType<typeof openDatabase>
  try {
    opened = openDatabase(join(options.dataDir, DATABASE_FILE), { logger })
  } catch (e) {
    undoPrepare(prepared)
    throw e
  }
  try {
    mkdirSync(maildirRoot(options.dataDir), { recursive: true })
  } catch (e) {
    opened.close()
    undoPrepare(prepared)
    throw notWritableError(options.dataDir, e)
  }

  const ctx: RepositoryContext = {
    db: opened.db,
    sqlite: opened.sqlite,
    dataDir: options.dataDir,
    logger: logger.child({ component: 'storage' }),
    clock,
    names: createUniqueNameGenerator({ clock, host: options.hostname }),
    locks: createKeyedMutex(),
    events: createMailboxEvents({ logger }),
    catalog: createCatalogVersion(opened.sqlite),
  }
  const messages = createMessageRepository(ctx)
  const resolveRecipient = createRecipientResolver(ctx)
  const reconcile = createReconciler(ctx)
  let closed = false
  const storage: Storage = {
    dataDir: options.dataDir,
    db: opened.db,
    domains: createDomainRepository(ctx),
    accounts: createAccountRepository(ctx),
    aliases: createAliasRepository(ctx),
    mailboxes: createMailboxRepository(ctx, moveAllMessages(messages)),
    messages,
    messageBatches: createMessageBatchAppender(ctx),
    audit: createAuditRepository(ctx),
    events: ctx.events,
    migrationsApplied: opened.applied,
    resolveRecipient,
    reconcile,
    async checkWritable() {
      if (closed) throw temporaryError('storage is closed')
      // BEGIN IMMEDIATE takes the write lock (waiting up to busy_timeout for the CLI); nothing is written.
      opened.sqlite.run('BEGIN IMMEDIATE')
      opened.sqlite.run('ROLLBACK')
      const probe = join(maildirRoot(options.dataDir), `.probe-${process.pid}-${crypto.randomUUID()}`)
      try {
        await writeFile(probe, 'ok', { flush: true })
      } catch (e) {
        throw temporaryError(`cannot write to ${maildirRoot(options.dataDir)}: ${errorMessage(e)}`, {}, e)
      } finally {
        await rm(probe, { force: true })
      }
      return 'mail.db and maildir writable'
    },
    close() {
      if (closed) return
      closed = true
      opened.close()
    },
  }
  if (options.reconcile) {
    try {
      const report = await reconcile()
      ctx.logger.info('reconciled Maildir with the index', { ...report })
    } catch (e) {
      storage.close()
      throw e
    }
  }
  return storage
}
