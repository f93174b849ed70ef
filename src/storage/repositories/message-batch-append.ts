// Bulk append into one mailbox (mailbox import, `mail-server import`): the write path of
// messages.ts append() — file in tmp/, rename into cur/, durable, then the index row — done for a
// whole batch at a time, so an import reaches thousands of messages per second:
//
//   1. every file is written to tmp/, dated with the internal date (maildir/deliver.ts) and renamed
//      into cur/ by a worker thread (write-message-files.ts); envelopes are not parsed here but at
//      their first read (messages.ts withEnvelopes), as for SMTP deliveries;
//   2. all of them, and cur/, are made durable together (sync-file-system.ts: one syncfs, on
//      another worker thread, while the next batch's files are written);
//   3. one IMMEDIATE transaction indexes the batch: consecutive UIDs, one MODSEQ (RFC 7162 §3.1);
//      its WAL is synced on the thread pool before the call returns (db/wal-commit.ts), as the
//      delivery committer does, rather than inside COMMIT on the event loop;
//   4. sessions hear one `append` event.
// A failure before the rows are durable removes every file of the batch (and any rows) and rejects
// the whole batch, so the caller may retry it.
import { join } from 'node:path'
import { eq, sum } from 'drizzle-orm'
import { isMailError, temporaryError } from '../../core/errors.ts'
import { mailboxes, messages } from '../db/schema.ts'
import { createWalCommit } from '../db/wal-commit.ts'
import { normalizeKeywords } from '../flag-list.ts'
import { ALL_FLAG_BITS, flagsToBits, formatMaildirName, type SystemFlag } from '../maildir/flags.ts'
import { ensureMaildirFolder } from '../maildir/maildir-folder.ts'
import { withSize } from '../maildir/unique-name.ts'
import { normalizeMailboxName } from '../mailbox-name.ts'
import { overQuota, unknownTargetMailbox } from '../storage-errors.ts'
import { mailboxDirFor, type RepositoryContext } from './context.ts'
import { createMailboxLookups } from './mailbox-lookups.ts'
import { createMessageRowInserter } from './message-row-inserter.ts'
import { deleteMessages, type InsertedMessage, type NewMessage } from './message-rows.ts'
import { syncMany } from './sync-file-system.ts'
import { removeMessageFiles, writeMessageFiles } from './write-message-files.ts'

export interface BatchMessage {
  /** The whole message, already in memory. */
  content: Uint8Array
  flags?: readonly SystemFlag[]
  keywords?: readonly string[]
  /** IMAP internal date (ms). */
  internalDate: number
}

export interface BatchAppendInput {
  accountId: number
  /** Mailbox name (INBOX case-insensitive) or id of the account's mailbox. */
  mailbox: string | number
  messages: readonly BatchMessage[]
  /**
   * Index this batch only once `after` has settled (whatever its outcome): a caller that overlaps
   * batches — the next one's files written while this one is synced and indexed — keeps UIDs in
   * its order. The quota is checked again then, against what the earlier batch added.
   */
  after?: Promise<unknown>
}

export interface BatchAppended {
  uid: number
  modseq: number
  size: number
}

export interface BatchAppendResult {
  mailboxId: number
  uidValidity: number
  /** One per input message, in input order. */
  appended: BatchAppended[]
}

export interface MessageBatchAppender {
  appendBatch(input: BatchAppendInput): Promise<BatchAppendResult>
}

export function createMessageBatchAppender(ctx: RepositoryContext): MessageBatchAppender {
  const { db } = ctx
  const lookups = createMailboxLookups(db)
  const inserter = createMessageRowInserter(db)
  const wal = createWalCommit(ctx.sqlite)
  const rowId = ctx.sqlite.query<{ id: number }, [number, number]>(
    'SELECT id FROM messages WHERE mailbox_id = ? AND uid = ?',
  )

  /** Rows committed but not known to be durable: taken back so the index never names removed files. */
  const forgetRows = (mailboxId: number, rows: readonly InsertedMessage[]) => {
    try {
      ctx.sqlite
        .transaction(() => {
          const found = rows.flatMap(row => {
            const id = rowId.get(mailboxId, row.uid)?.id
            return id === undefined ? [] : [{ id, uid: row.uid }]
          })
          deleteMessages(db, mailboxId, found)
        })
        .immediate()
    } catch (e) {
      // Reconcile drops rows whose file is gone at the next start.
      ctx.logger.error('could not remove index rows of a failed batch', { error: e })
    }
  }

  const accountBytes = (accountId: number): number =>
    Number(
      db
        .select({ bytes: sum(messages.size) })
        .from(messages)
        .innerJoin(mailboxes, eq(mailboxes.id, messages.mailboxId))
        .where(eq(mailboxes.accountId, accountId))
        .get()?.bytes ?? 0,
    )

  return {
    async appendBatch(input) {
      const box =
        typeof input.mailbox === 'number'
          ? lookups.byIdOfAccount(input.mailbox, input.accountId)
          : lookups.byName(input.accountId, normalizeMailboxName(input.mailbox))
      if (!box) throw unknownTargetMailbox(input.mailbox)
      const owner = lookups.owner(box.accountId)
      if (!owner) throw unknownTargetMailbox(input.mailbox)
      if (input.messages.length === 0) return { mailboxId: box.id, uidValidity: box.uidValidity, appended: [] }
      const adding = input.messages.reduce((n, m) => n + m.content.length, 0)
      const checkQuota = () => {
        if (owner.quotaBytes !== null && accountBytes(box.accountId) + adding > owner.quotaBytes)
          throw overQuota(owner.email)
      }
      checkQuota()

      const dir = mailboxDirFor(ctx, owner.email, box.folder)
      await ensureMaildirFolder(dir, { subfolder: box.folder !== '' })
      const items: NewMessage[] = input.messages.map(message => {
        const flags = flagsToBits(message.flags ?? []) & ALL_FLAG_BITS
        return {
          fileName: formatMaildirName(withSize(ctx.names.next(), message.content.length), flags),
          size: message.content.length,
          internalDate: message.internalDate,
          flags,
          keywords: normalizeKeywords(message.keywords ?? []),
          envelope: null,
        }
      })
      const writing = writeMessageFiles(
        dir,
        items.map((item, i) => ({
          fileName: item.fileName,
          content: (input.messages[i] as BatchMessage).content,
          mtime: item.internalDate,
        })),
      )
      // Awaited below; a rejection before that is handled there too.
      writing.catch(() => {})
      let rows: InsertedMessage[] | undefined
      try {
        const written = await writing
        await syncMany(written, [join(dir, 'cur')])
        if (input.after) {
          await input.after.catch(() => {})
          checkQuota()
        }
        rows = wal.run(() => inserter.insert(box.id, items))
        if (!rows) throw unknownTargetMailbox(input.mailbox)
        await wal.durable()
      } catch (e) {
        // The worker may still be writing: the batch's files can only be removed once it is done.
        await writing.catch(() => {})
        if (rows) forgetRows(box.id, rows)
        removeMessageFiles(items.map(item => join(dir, 'cur', item.fileName)))
        if (isMailError(e)) throw e
        throw temporaryError('the messages could not be stored; try again later', {}, e)
      }
      const modseq = rows[0]?.modseq ?? box.highestModseq
      ctx.events.emit({ mailboxId: box.id, kind: 'append', uids: rows.map(r => r.uid), modseq })
      return {
        mailboxId: box.id,
        uidValidity: rows[0]?.uidValidity ?? box.uidValidity,
        appended: rows.map((r, i) => ({ uid: r.uid, modseq: r.modseq, size: items[i]?.size ?? 0 })),
      }
    },
  }
}
