// Messages: the durable write path, flags, expunge, copy/move and reading bodies.
//
// Ordering rules (DESIGN.md "Storage contract"), each chosen so a crash at any point leaves a
// state reconcile turns into something a client may see:
//   append      file → fsync → rename into cur/ → fsync cur/ → index commit (UID, MODSEQ);
//               if the commit fails the file is unlinked. Only then does the caller answer OK.
//   set flags   rename the file (fsync cur/) → commit; reconcile takes flags from the name.
//   expunge     unlink the files (fsync cur/) → commit; a row without a file is dropped.
//   copy        hard-link (or copy + fsync) into the target's cur/ → commit.
//   move        rename into the target's cur/ → commit; reconcile drops the source row and
//               indexes the file in the target.
import { copyFile, link, open as openFile, rename, unlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { BunFile } from 'bun'
import { and, asc, eq, gt, sql, sum } from 'drizzle-orm'
import { isMailError, type MailError, temporaryError } from '../../core/errors.ts'
import { accounts, expunges, mailboxes, messages } from '../db/schema.ts'
import { headerBlock, parseEnvelope, type StoredEnvelope } from '../envelope/parse-envelope.ts'
import { normalizeKeywords } from '../flag-list.ts'
import { type MessageContent, publishTmpFile, writeTmpFile } from '../maildir/deliver.ts'
import { ALL_FLAG_BITS, flagsToBits, formatMaildirName, parseMaildirName, type SystemFlag } from '../maildir/flags.ts'
import { locateByBase } from '../maildir/locate-file.ts'
import { ensureMaildirFolder } from '../maildir/maildir-folder.ts'
import { INBOX } from '../maildir/maildir-path.ts'
import { renameForFlags } from '../maildir/rename-flags.ts'
import { syncDirectory } from '../maildir/sync-directory.ts'
import { withSize } from '../maildir/unique-name.ts'
import { normalizeMailboxName } from '../mailbox-name.ts'
import { overQuota, unknownMailbox, unknownTargetMailbox } from '../storage-errors.ts'
import { mailboxDirFor, mailboxLockKey, type RepositoryContext } from './context.ts'
import { findMailbox, type MailboxRow } from './mailbox-rows.ts'
import {
  deleteMessages,
  insertMessages,
  type MessageRecord,
  type MessageRow,
  type NewMessage,
  parseJsonArray,
  selectMessageRows,
  toMessageRecord,
  type UidRange,
} from './message-rows.ts'

export type { MessageRecord, UidRange } from './message-rows.ts'
export type { MessageContent } from '../maildir/deliver.ts'

export interface AppendInput {
  accountId: number
  /** Mailbox name (INBOX case-insensitive) or id; it must belong to the account. */
  mailbox: string | number
  /** The whole message; a stream is written as it arrives. */
  content: MessageContent
  flags?: readonly SystemFlag[]
  keywords?: readonly string[]
  /** IMAP internal date (ms); defaults to now. */
  internalDate?: number
}

export interface AppendResult {
  mailboxId: number
  uid: number
  modseq: number
  uidValidity: number
  /** Absolute path of the stored file. */
  path: string
  size: number
}

export interface DeliveryTarget {
  accountId: number
  /** Defaults to INBOX (Sieve `fileinto` may choose another). */
  mailbox?: string
  flags?: readonly SystemFlag[]
  keywords?: readonly string[]
}

export type DeliveryOutcome =
  | ({ ok: true; accountId: number } & AppendResult)
  | { ok: false; accountId: number; error: MailError }

export interface FlagChange {
  mode: 'add' | 'remove' | 'replace'
  flags?: readonly SystemFlag[]
  keywords?: readonly string[]
}

export interface FlagResult {
  /** Messages whose flags or keywords changed, with their new MODSEQ. */
  changed: MessageRecord[]
  /** UIDs left alone because their MODSEQ was above `unchangedSince` (RFC 7162 §3.1.3 MODIFIED). */
  modified: number[]
}

/** RFC 4315 COPYUID data: the target's UIDVALIDITY and (source UID, new UID) pairs. */
export interface CopyResult {
  uidValidity: number
  pairs: Array<[number, number]>
}

export interface OpenedMessage {
  record: MessageRecord
  path: string
  file: BunFile
}

export interface ListMessagesOptions {
  uids?: readonly UidRange[]
  /** Only messages with a MODSEQ above this (RFC 7162 CHANGEDSINCE). */
  changedSince?: number
}

export interface MessageRepository {
  append(input: AppendInput): Promise<AppendResult>
  /** One message to several local accounts: written once, hard-linked into each Maildir. */
  deliverToAccounts(input: {
    targets: readonly DeliveryTarget[]
    content: MessageContent
    internalDate?: number
  }): Promise<DeliveryOutcome[]>
  get(mailboxId: number, uid: number): Promise<MessageRecord | null>
  list(mailboxId: number, options?: ListMessagesOptions): Promise<MessageRecord[]>
  /** All UIDs in ascending order (sequence number n is the n-th entry). */
  uids(mailboxId: number): Promise<number[]>
  setFlags(
    mailboxId: number,
    uids: readonly UidRange[],
    change: FlagChange,
    options?: { unchangedSince?: number },
  ): Promise<FlagResult>
  /** Remove messages flagged \Deleted (only within `uids` when given, RFC 4315 UID EXPUNGE). */
  expunge(mailboxId: number, options?: { uids?: readonly UidRange[] }): Promise<number[]>
  copy(fromMailboxId: number, uids: readonly UidRange[], toMailboxId: number): Promise<CopyResult>
  /** RFC 6851 MOVE: new UIDs in the target, the source UIDs expunged. */
  move(fromMailboxId: number, uids: readonly UidRange[], toMailboxId: number): Promise<CopyResult>
  /** The message file, or null when the message or its file is gone. */
  open(mailboxId: number, uid: number): Promise<OpenedMessage | null>
  readBytes(mailboxId: number, uid: number): Promise<Uint8Array | null>
  /** UIDs expunged with a MODSEQ above `modseq` (RFC 7162 §3.2.10 VANISHED (EARLIER)). */
  expungedSince(mailboxId: number, modseq: number): Promise<number[]>
  setBodyStructure(mailboxId: number, uid: number, json: string): Promise<void>
}

interface MailboxLocation {
  box: MailboxRow
  email: string
  quotaBytes: number | null
  dir: string
}

const ALL_UIDS: readonly UidRange[] = [{ from: 1, to: Number.MAX_SAFE_INTEGER }]

export function createMessageRepository(ctx: RepositoryContext): MessageRepository {
  const { db } = ctx

  const locationOf = (box: MailboxRow): MailboxLocation => {
    const account = db
      .select({ email: accounts.email, quotaBytes: accounts.quotaBytes })
      .from(accounts)
      .where(eq(accounts.id, box.accountId))
      .get()
    if (!account) throw unknownMailbox(box.name)
    return {
      box,
      email: account.email,
      quotaBytes: account.quotaBytes,
      dir: mailboxDirFor(ctx, account.email, box.folder),
    }
  }

  const locateById = (mailboxId: number, missing = unknownMailbox): MailboxLocation => {
    const box = db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)).get()
    if (!box) throw missing(mailboxId)
    return locationOf(box)
  }

  const locateTarget = (accountId: number, mailbox: string | number): MailboxLocation => {
    const box =
      typeof mailbox === 'number'
        ? db
            .select()
            .from(mailboxes)
            .where(and(eq(mailboxes.id, mailbox), eq(mailboxes.accountId, accountId)))
            .get()
        : findMailbox(db, accountId, normalizeMailboxName(mailbox))
    if (!box) throw unknownTargetMailbox(mailbox)
    return locationOf(box)
  }

  const accountBytes = (accountId: number): number => {
    const row = db
      .select({ bytes: sum(messages.size) })
      .from(messages)
      .innerJoin(mailboxes, eq(mailboxes.id, messages.mailboxId))
      .where(eq(mailboxes.accountId, accountId))
      .get()
    return Number(row?.bytes ?? 0)
  }

  const checkQuota = (loc: MailboxLocation, adding: number) => {
    if (loc.quotaBytes === null) return
    if (accountBytes(loc.box.accountId) + adding > loc.quotaBytes) throw overQuota(loc.email)
  }

  const envelopeOf = async (content: MessageContent, path: string): Promise<StoredEnvelope | null> => {
    try {
      const bytes = content instanceof Uint8Array ? content : await readHead(path)
      return await parseEnvelope(headerBlock(bytes))
    } catch (e) {
      ctx.logger.warn('could not parse message headers; envelope left empty', { path, error: e })
      return null
    }
  }

  /** Commit new rows for files already in cur/ (callers unlink their files when this throws). */
  const commitNew = (loc: MailboxLocation, items: readonly NewMessage[]) => {
    const inserted = db.transaction(tx => insertMessages(tx, loc.box.id, items), { behavior: 'immediate' })
    if (!inserted) throw unknownTargetMailbox(loc.box.name)
    return inserted
  }

  const storeFailure = (e: unknown): unknown =>
    isMailError(e) ? e : temporaryError('the message could not be stored; try again later', {}, e)

  const fileOf = async (loc: MailboxLocation, row: MessageRow): Promise<string | null> => {
    const path = join(loc.dir, 'cur', row.maildirFile)
    if (await Bun.file(path).exists()) return path
    const found = await locateByBase(loc.dir, parseMaildirName(row.maildirFile).base)
    if (!found) return null
    if (found.sub === 'cur') db.update(messages).set({ maildirFile: found.name }).where(eq(messages.id, row.id)).run()
    return found.path
  }

  const rowFor = (mailboxId: number, uid: number) =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.mailboxId, mailboxId), eq(messages.uid, uid)))
      .get()

  /** Shared by copy and move: place each source file into the target, then index them. */
  const transfer = async (fromId: number, ranges: readonly UidRange[], toId: number, mode: 'copy' | 'move') => {
    const from = locateById(fromId)
    const to = locateById(toId, unknownTargetMailbox)
    return ctx.locks.run(mailboxLockKey(fromId), async () => {
      const rows = selectMessageRows(db, fromId, ranges)
      if (mode === 'copy' || from.box.accountId !== to.box.accountId) {
        checkQuota(
          to,
          rows.reduce((n, r) => n + r.size, 0),
        )
      }
      await ensureMaildirFolder(to.dir, { subfolder: to.box.folder !== '' })
      const placed: Array<{ row: MessageRow; source: string; target: string; item: NewMessage }> = []
      const undo = async () => {
        for (const p of placed.reverse()) {
          if (mode === 'move') {
            if (p.target !== p.source) await rename(p.target, p.source).catch(() => {})
          } else await unlink(p.target).catch(() => {})
        }
      }
      try {
        for (const row of rows) {
          const source = await fileOf(from, row)
          if (source === null) continue // gone: reconcile drops the row
          // A move keeps the file's unique part (it is the same message); a copy is a new file.
          const current = parseMaildirName(basename(source))
          const fileName =
            mode === 'move'
              ? formatMaildirName(current.base, row.flags, current.extra)
              : formatMaildirName(withSize(ctx.names.next(), row.size), row.flags, current.extra)
          const target = join(to.dir, 'cur', fileName)
          if (mode === 'copy') await linkOrCopy(source, target)
          else if (source !== target) await rename(source, target)
          placed.push({
            row,
            source,
            target,
            item: {
              fileName,
              size: row.size,
              internalDate: row.internalDate,
              flags: row.flags,
              keywords: parseJsonArray(row.keywords),
              envelope: row.envelopeJson ? (JSON.parse(row.envelopeJson) as StoredEnvelope) : null,
              bodyStructureJson: row.bodystructureJson,
            },
          })
        }
        if (placed.length === 0) return { uidValidity: to.box.uidValidity, pairs: [] }
        await syncDirectory(join(to.dir, 'cur'))
        if (mode === 'move') await syncDirectory(join(from.dir, 'cur'))
        const inserted = db.transaction(
          tx => {
            if (mode === 'move')
              deleteMessages(
                tx,
                fromId,
                placed.map(p => p.row),
              )
            return insertMessages(
              tx,
              toId,
              placed.map(p => p.item),
            )
          },
          { behavior: 'immediate' },
        )
        if (!inserted) throw unknownTargetMailbox(to.box.name)
        const pairs: Array<[number, number]> = placed.map((p, i) => [p.row.uid, inserted[i]?.uid ?? 0])
        return { uidValidity: inserted[0]?.uidValidity ?? to.box.uidValidity, pairs }
      } catch (e) {
        await undo()
        throw storeFailure(e)
      }
    })
  }

  const repo: MessageRepository = {
    async append(input) {
      const loc = locateTarget(input.accountId, input.mailbox)
      const flags = flagsToBits(input.flags ?? []) & ALL_FLAG_BITS
      const keywords = normalizeKeywords(input.keywords ?? [])
      const internalDate = input.internalDate ?? ctx.clock.now()
      if (input.content instanceof Uint8Array) checkQuota(loc, input.content.length)
      await ensureMaildirFolder(loc.dir, { subfolder: loc.box.folder !== '' })
      const unique = ctx.names.next()
      const tmp = await writeTmpFile(loc.dir, unique, input.content, internalDate)
      let published: string | null = null
      try {
        if (!(input.content instanceof Uint8Array)) checkQuota(loc, tmp.size)
        const file = await publishTmpFile(loc.dir, tmp, formatMaildirName(withSize(unique, tmp.size), flags))
        published = file.path
        const envelope = await envelopeOf(input.content, file.path)
        const [row] = commitNew(loc, [
          { fileName: file.fileName, size: tmp.size, internalDate, flags, keywords, envelope },
        ])
        if (!row) throw new Error('index commit returned no row')
        return {
          mailboxId: loc.box.id,
          uid: row.uid,
          modseq: row.modseq,
          uidValidity: row.uidValidity,
          path: file.path,
          size: tmp.size,
        }
      } catch (e) {
        await unlink(published ?? tmp.path).catch(() => {})
        throw storeFailure(e)
      }
    },

    async deliverToAccounts(input) {
      const internalDate = input.internalDate ?? ctx.clock.now()
      const outcomes: DeliveryOutcome[] = []
      const prepared: Array<{ target: DeliveryTarget; loc: MailboxLocation; index: number }> = []
      input.targets.forEach((target, index) => {
        try {
          prepared.push({ target, loc: locateTarget(target.accountId, target.mailbox ?? INBOX), index })
        } catch (e) {
          outcomes[index] = { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
        }
      })
      const first = prepared[0]
      if (!first) return outcomes
      // Written once into the first target's tmp/, then linked into every target's cur/.
      await ensureMaildirFolder(first.loc.dir, { subfolder: first.loc.box.folder !== '' })
      const tmp = await writeTmpFile(first.loc.dir, ctx.names.next(), input.content, internalDate)
      try {
        const envelope = await envelopeOf(input.content, tmp.path)
        for (const { target, loc, index } of prepared) {
          let path: string | null = null
          try {
            checkQuota(loc, tmp.size)
            await ensureMaildirFolder(loc.dir, { subfolder: loc.box.folder !== '' })
            const flags = flagsToBits(target.flags ?? []) & ALL_FLAG_BITS
            const keywords = normalizeKeywords(target.keywords ?? [])
            const fileName = formatMaildirName(withSize(ctx.names.next(), tmp.size), flags)
            path = join(loc.dir, 'cur', fileName)
            await linkOrCopy(tmp.path, path)
            await syncDirectory(join(loc.dir, 'cur'))
            const [row] = commitNew(loc, [{ fileName, size: tmp.size, internalDate, flags, keywords, envelope }])
            if (!row) throw new Error('index commit returned no row')
            outcomes[index] = {
              ok: true,
              accountId: target.accountId,
              mailboxId: loc.box.id,
              uid: row.uid,
              modseq: row.modseq,
              uidValidity: row.uidValidity,
              path,
              size: tmp.size,
            }
          } catch (e) {
            if (path !== null) await unlink(path).catch(() => {})
            outcomes[index] = { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
          }
        }
      } finally {
        await unlink(tmp.path).catch(() => {})
      }
      return outcomes
    },

    async get(mailboxId, uid) {
      const row = rowFor(mailboxId, uid)
      return row ? toMessageRecord(row) : null
    },

    async list(mailboxId, options = {}) {
      return selectMessageRows(db, mailboxId, options.uids, options.changedSince).map(toMessageRecord)
    },

    async uids(mailboxId) {
      return db
        .select({ uid: messages.uid })
        .from(messages)
        .where(eq(messages.mailboxId, mailboxId))
        .orderBy(asc(messages.uid))
        .all()
        .map(r => r.uid)
    },

    async setFlags(mailboxId, ranges, change, options = {}) {
      const loc = locateById(mailboxId)
      const bits = flagsToBits(change.flags ?? []) & ALL_FLAG_BITS
      const keywords = normalizeKeywords(change.keywords ?? [])
      return ctx.locks.run(mailboxLockKey(mailboxId), async () => {
        const modified: number[] = []
        const plans: Array<{ row: MessageRow; flags: number; keywords: string[]; fileName: string }> = []
        for (const row of selectMessageRows(db, mailboxId, ranges)) {
          if (options.unchangedSince !== undefined && row.modseq > options.unchangedSince) {
            modified.push(row.uid)
            continue
          }
          const flags = applyBits(row.flags, bits, change.mode)
          const nextKeywords = applyKeywords(parseJsonArray(row.keywords), keywords, change.mode)
          const sameKeywords = JSON.stringify(nextKeywords) === row.keywords
          if (flags === row.flags && sameKeywords) continue
          plans.push({ row, flags, keywords: nextKeywords, fileName: row.maildirFile })
        }
        const renamed: typeof plans = []
        try {
          for (const plan of plans) {
            if (plan.flags === plan.row.flags) continue
            const name = await renameForFlags(loc.dir, plan.row.maildirFile, plan.flags)
            if (name === null) continue // file gone: the row is dropped by reconcile
            plan.fileName = name
            renamed.push(plan)
          }
          const changed = db.transaction(
            tx => {
              if (plans.length === 0) return []
              const bump = tx
                .update(mailboxes)
                .set({ highestModseq: sql`${mailboxes.highestModseq} + 1` })
                .where(eq(mailboxes.id, mailboxId))
                .returning({ modseq: mailboxes.highestModseq })
                .get()
              if (!bump) throw unknownMailbox(mailboxId)
              return plans.map(plan =>
                tx
                  .update(messages)
                  .set({
                    flags: plan.flags,
                    keywords: JSON.stringify(plan.keywords),
                    modseq: bump.modseq,
                    maildirFile: plan.fileName,
                  })
                  .where(eq(messages.id, plan.row.id))
                  .returning()
                  .get(),
              )
            },
            { behavior: 'immediate' },
          )
          return {
            changed: changed.filter((r): r is MessageRow => r !== undefined).map(toMessageRecord),
            modified,
          }
        } catch (e) {
          for (const plan of renamed) await renameForFlags(loc.dir, plan.fileName, plan.row.flags).catch(() => null)
          throw storeFailure(e)
        }
      })
    },

    async expunge(mailboxId, options = {}) {
      const loc = locateById(mailboxId)
      return ctx.locks.run(mailboxLockKey(mailboxId), async () => {
        const rows = selectMessageRows(db, mailboxId, options.uids).filter(r => (r.flags & 8) !== 0)
        if (rows.length === 0) return []
        for (const row of rows) {
          const path = await fileOf(loc, row)
          if (path !== null) await unlink(path).catch(() => {})
        }
        await syncDirectory(join(loc.dir, 'cur'))
        db.transaction(tx => deleteMessages(tx, mailboxId, rows), { behavior: 'immediate' })
        return rows.map(r => r.uid)
      })
    },

    copy: (fromId, ranges, toId) => transfer(fromId, ranges, toId, 'copy'),
    move: (fromId, ranges, toId) => transfer(fromId, ranges, toId, 'move'),

    async open(mailboxId, uid) {
      const row = rowFor(mailboxId, uid)
      if (!row) return null
      const path = await fileOf(locateById(mailboxId), row)
      if (path === null) return null
      const current = rowFor(mailboxId, uid) ?? row
      return { record: toMessageRecord(current), path, file: Bun.file(path) }
    },

    async readBytes(mailboxId, uid) {
      const opened = await repo.open(mailboxId, uid)
      if (!opened) return null
      try {
        return await opened.file.bytes()
      } catch {
        return null
      }
    },

    async expungedSince(mailboxId, modseq) {
      return db
        .select({ uid: expunges.uid })
        .from(expunges)
        .where(and(eq(expunges.mailboxId, mailboxId), gt(expunges.modseq, modseq)))
        .orderBy(asc(expunges.uid))
        .all()
        .map(r => r.uid)
    },

    async setBodyStructure(mailboxId, uid, json) {
      db.update(messages)
        .set({ bodystructureJson: json })
        .where(and(eq(messages.mailboxId, mailboxId), eq(messages.uid, uid)))
        .run()
    },
  }
  return repo
}

/** Move every message of one mailbox to another (RENAME INBOX, RFC 3501 §6.3.5). */
export const moveAllMessages = (repo: MessageRepository) => async (fromId: number, toId: number) => {
  await repo.move(fromId, ALL_UIDS, toId)
}

function applyBits(current: number, bits: number, mode: FlagChange['mode']): number {
  if (mode === 'add') return current | bits
  if (mode === 'remove') return current & ~bits
  return bits
}

function applyKeywords(current: readonly string[], change: readonly string[], mode: FlagChange['mode']): string[] {
  const lower = new Set(change.map(k => k.toLowerCase()))
  if (mode === 'replace') return [...change]
  if (mode === 'remove') return current.filter(k => !lower.has(k.toLowerCase()))
  const have = new Set(current.map(k => k.toLowerCase()))
  return [...current, ...change.filter(k => !have.has(k.toLowerCase()))]
}

/** Hard-link when possible (same inode, no copy); copy and fsync where links are not allowed. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw e
    await copyFile(source, target)
    const handle = await openFile(target, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  return Bun.file(path)
    .slice(0, 256 * 1024)
    .bytes()
}
