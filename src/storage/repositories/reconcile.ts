// Start-up reconcile (DESIGN.md "Storage contract"): make the index and the Maildir agree after a
// crash at any step of a write, or after other tools touched the Maildir.
//
// Per account:
//   - leftover `deleted~*` directories (a mailbox DELETE that crashed after its rename) are removed;
//   - Maildir++ folders on disk without a mailbox row become mailboxes (name decoded per
//     maildir-path.ts; undecodable names are logged and skipped);
//   - per mailbox (see maildir/reconcile.ts for new/ and tmp/):
//       file without row      → indexed: next UID, flags from the name, internal date from the
//                               mtime, envelope parsed; in delivery order (name time, then name);
//       row whose file was renamed (same unique part, other info) → row follows the file: new
//                               name, flags from the name (a crash between our rename and commit,
//                               or another tool changed flags), MODSEQ bumped if flags changed;
//       row without file      → dropped, recorded as expunged.
// The work for one mailbox runs under its lock and commits in one transaction.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { asc, eq, sql } from 'drizzle-orm'
import { accounts, mailboxes, messages } from '../db/schema.ts'
import { parseEnvelope, headerBlock, type StoredEnvelope } from '../envelope/parse-envelope.ts'
import { ALL_FLAG_BITS } from '../maildir/flags.ts'
import { folderPath, mailboxForFolder } from '../maildir/maildir-path.ts'
import { type ScannedFile, scanMaildirFolder } from '../maildir/reconcile.ts'
import { deliveredSeconds } from '../maildir/unique-name.ts'
import { accountDirFor, mailboxLockKey, type RepositoryContext } from './context.ts'
import { findMailbox, insertMailbox, type MailboxRow } from './mailbox-rows.ts'
import { deleteMessages, insertMessages, type MessageRow, type NewMessage, selectMessageRows } from './message-rows.ts'

export interface ReconcileReport {
  accounts: number
  mailboxesCreated: number
  /** Files that had no row and were indexed. */
  indexed: number
  /** Rows whose file was gone, dropped. */
  dropped: number
  /** Rows updated to a renamed file (flags from the name). */
  renamed: number
  movedFromNew: number
  tmpRemoved: number
  /** Files without a row whose size is not the S= size in their name (a write cut short by a crash). */
  torn: number
}

export interface ReconcileOptions {
  /** Only this account (id); default all. */
  accountId?: number
}

/** RFC-less Maildir convention (Dovecot, Courier): `,S=<octets>` in the unique part is the file size. */
const SIZE_IN_NAME = /,S=(\d+)(?:,|$)/

function isTornWrite(file: ScannedFile): boolean {
  const declared = SIZE_IN_NAME.exec(file.base)
  return declared !== null && Number(declared[1]) !== file.size
}

const emptyReport = (): ReconcileReport => ({
  accounts: 0,
  mailboxesCreated: 0,
  indexed: 0,
  dropped: 0,
  renamed: 0,
  movedFromNew: 0,
  tmpRemoved: 0,
  torn: 0,
})

export function createReconciler(ctx: RepositoryContext): (options?: ReconcileOptions) => Promise<ReconcileReport> {
  const { db } = ctx

  const reconcileMailbox = async (box: MailboxRow, dir: string, report: ReconcileReport) => {
    await ctx.locks.run(mailboxLockKey(box.id), async () => {
      const scan = await scanMaildirFolder(dir, { now: ctx.clock.now(), subfolder: box.folder !== '' })
      report.movedFromNew += scan.movedFromNew
      report.tmpRemoved += scan.tmpRemoved
      const rows = selectMessageRows(db, box.id)
      const rowsByBase = new Map<string, MessageRow>()
      for (const row of rows) rowsByBase.set(baseOf(row.maildirFile), row)
      const unindexed: ScannedFile[] = []
      const renames: Array<{ row: MessageRow; file: ScannedFile }> = []
      for (const file of scan.files) {
        const row = rowsByBase.get(file.base)
        if (!row) {
          if (isTornWrite(file)) {
            // Deliveries rename a file into cur/ before the sync that makes its bytes durable
            // (delivery-committer.ts); after a crash in between, the name survives with fewer
            // bytes than its S= says. It was never acknowledged (no 250/OK), so it is not mail.
            ctx.logger.warn('file shorter than its S= size left unindexed', { mailbox: box.name, file: file.name })
            report.torn++
            continue
          }
          unindexed.push(file)
          continue
        }
        rowsByBase.delete(file.base)
        if (row.maildirFile !== file.name) renames.push({ row, file })
      }
      const missing = [...rowsByBase.values()]
      unindexed.sort(
        (a, b) =>
          (deliveredSeconds(a.base) ?? a.mtimeMs / 1000) - (deliveredSeconds(b.base) ?? b.mtimeMs / 1000) ||
          (a.base < b.base ? -1 : 1),
      )
      const items: NewMessage[] = []
      for (const file of unindexed) {
        items.push({
          fileName: file.name,
          size: file.size,
          internalDate: Math.floor(file.mtimeMs),
          flags: file.flags & ALL_FLAG_BITS,
          keywords: [],
          envelope: await envelopeOfFile(join(dir, 'cur', file.name)),
        })
      }
      if (items.length === 0 && renames.length === 0 && missing.length === 0) return
      db.transaction(
        tx => {
          if (missing.length > 0) deleteMessages(tx, box.id, missing)
          const flagChanges = renames.filter(r => r.file.flags !== r.row.flags)
          let modseq: number | null = null
          if (flagChanges.length > 0) {
            modseq =
              tx
                .update(mailboxes)
                .set({ highestModseq: sql`${mailboxes.highestModseq} + 1` })
                .where(eq(mailboxes.id, box.id))
                .returning({ modseq: mailboxes.highestModseq })
                .get()?.modseq ?? null
          }
          for (const { row, file } of renames) {
            const flagsChanged = file.flags !== row.flags
            tx.update(messages)
              .set({
                maildirFile: file.name,
                ...(flagsChanged && modseq !== null ? { flags: file.flags, modseq } : {}),
              })
              .where(eq(messages.id, row.id))
              .run()
          }
          if (items.length > 0) insertMessages(tx, box.id, items)
        },
        { behavior: 'immediate' },
      )
      report.indexed += items.length
      report.dropped += missing.length
      report.renamed += renames.length
      if (items.length + missing.length > 0) {
        ctx.logger.info('reconciled mailbox', {
          mailbox: box.name,
          indexed: items.length,
          dropped: missing.length,
          renamed: renames.length,
        })
      }
    })
  }

  const reconcileAccount = async (account: { id: number; email: string }, report: ReconcileReport) => {
    const accountDir = accountDirFor(ctx, account.email)
    const entries = await readdir(accountDir, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name.startsWith('deleted~')) {
        await rm(join(accountDir, entry.name), { recursive: true, force: true })
      }
    }
    const known = new Set(
      db
        .select({ folder: mailboxes.folder })
        .from(mailboxes)
        .where(eq(mailboxes.accountId, account.id))
        .all()
        .map(r => r.folder),
    )
    for (const entry of entries) {
      if (!entry.isDirectory() || !entry.name.startsWith('.') || entry.name === '.' || entry.name === '..') continue
      if (known.has(entry.name)) continue
      const name = mailboxForFolder(entry.name)
      if (name === null) {
        ctx.logger.warn('Maildir folder name cannot be decoded; not indexed', {
          account: account.email,
          folder: entry.name,
        })
        continue
      }
      const created = db.transaction(
        tx => {
          if (findMailbox(tx, account.id, name)) return null
          return insertMailbox(tx, account.id, { name }, ctx.clock.now())
        },
        { behavior: 'immediate' },
      )
      if (created && created.folder === entry.name) report.mailboxesCreated++
      else if (created) {
        // Decoding and re-encoding gave another spelling: keep the folder the files are in.
        db.update(mailboxes).set({ folder: entry.name }).where(eq(mailboxes.id, created.id)).run()
        report.mailboxesCreated++
      }
    }
    const boxes = db
      .select()
      .from(mailboxes)
      .where(eq(mailboxes.accountId, account.id))
      .orderBy(asc(mailboxes.id))
      .all()
    for (const box of boxes) await reconcileMailbox(box, folderPath(accountDir, box.folder), report)
    report.accounts++
  }

  return async (options = {}) => {
    const report = emptyReport()
    const list =
      options.accountId === undefined
        ? db.select({ id: accounts.id, email: accounts.email }).from(accounts).orderBy(asc(accounts.id)).all()
        : db
            .select({ id: accounts.id, email: accounts.email })
            .from(accounts)
            .where(eq(accounts.id, options.accountId))
            .all()
    for (const account of list) await reconcileAccount(account, report)
    return report
  }

  async function envelopeOfFile(path: string): Promise<StoredEnvelope | null> {
    try {
      return await parseEnvelope(
        headerBlock(
          await Bun.file(path)
            .slice(0, 256 * 1024)
            .bytes(),
        ),
      )
    } catch (e) {
      ctx.logger.warn('could not parse message headers during reconcile', { path, error: e })
      return null
    }
  }
}

const baseOf = (name: string) => {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(0, colon)
}
