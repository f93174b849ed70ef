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
import { expunges, mailboxes, messages } from '../db/schema.ts'
import { headerBlock, parseEnvelope, type StoredEnvelope } from '../envelope/parse-envelope.ts'
import { normalizeKeywords } from '../flag-list.ts'
import type { MailboxEventKind } from '../mailbox-events.ts'
import { type MessageContent, writeTmpFile } from '../maildir/deliver.ts'
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
import { catalogMemo } from '../db/catalog-version.ts'
import { createDeliveryCommitter } from './delivery-committer.ts'
import { createMaildirBatchWorker } from './maildir-batch-worker.ts'
import { createMailboxLookups } from './mailbox-lookups.ts'
import type { MailboxRow } from './mailbox-rows.ts'
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
  /**
   * Fill in the envelopes the index lacks (SMTP deliveries and imports store none): each such
   * message's header block is read from its file once and the envelope stored. Off by default:
   * IMAP and POP3 list messages on every FETCH, SEARCH or login and never read the envelope.
   */
  envelopes?: boolean
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
  /**
   * The current files of many messages from one index read (POP3 streams whole maildrops; open()
   * per message costs several queries). Existence is not checked: when reading one fails, the
   * caller asks open(), which finds a file renamed meanwhile.
   */
  files(mailboxId: number, uids?: readonly UidRange[]): Promise<Map<number, BunFile>>
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
  // The delivery committer's batches are written and synced on a worker thread (started on the
  // first delivery, gone after a few idle seconds).
  const fileWorker = createMaildirBatchWorker()
  const committer = createDeliveryCommitter({
    db,
    sqlite: ctx.sqlite,
    logger: ctx.logger,
    fileWork: (files, syncPaths, options) => fileWorker.writeEachAndSync(files, syncPaths, options),
    indexOnWorker: (files, syncPaths, index) => fileWorker.writeSyncAndIndex(files, syncPaths, index),
  })
  const lookups = createMailboxLookups(db)
  /** Folders known to hold cur/ new/ tmp/, so deliveries do not stat them every time. */
  const completeFolders = new Set<string>()

  /**
   * Run a file operation in a mailbox's folder, creating the folder first if needed. If it fails
   * with ENOENT after the folder was taken for complete, the folder may have been removed since:
   * create it again and retry once.
   */
  const inFolder = async <T>(loc: MailboxLocation, operation: () => Promise<T>): Promise<T> => {
    const ensure = async () => {
      if (completeFolders.has(loc.dir)) return
      await ensureMaildirFolder(loc.dir, { subfolder: loc.box.folder !== '' })
      completeFolders.add(loc.dir)
    }
    await ensure()
    try {
      return await operation()
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !completeFolders.delete(loc.dir)) throw e
      await ensure()
      return operation()
    }
  }

  /** Tell sessions about a committed change (mailbox-events.ts); call only after the commit. */
  const notify = (mailboxId: number, kind: MailboxEventKind, uids: readonly number[], modseq?: number) => {
    if (uids.length === 0) return
    const current =
      modseq ??
      db.select({ modseq: mailboxes.highestModseq }).from(mailboxes).where(eq(mailboxes.id, mailboxId)).get()?.modseq ??
      0
    ctx.events.emit({ mailboxId, kind, uids, modseq: current })
  }

  const locationOf = (box: MailboxRow): MailboxLocation => {
    const account = lookups.owner(box.accountId)
    if (!account) throw unknownMailbox(box.name)
    return {
      box,
      email: account.email,
      quotaBytes: account.quotaBytes,
      dir: mailboxDirFor(ctx, account.email, box.folder),
    }
  }

  const locateById = (mailboxId: number, missing = unknownMailbox): MailboxLocation => {
    const box = lookups.byId(mailboxId)
    if (!box) throw missing(mailboxId)
    return locationOf(box)
  }

  const locateTarget = (accountId: number, mailbox: string | number): MailboxLocation => {
    const box =
      typeof mailbox === 'number'
        ? lookups.byIdOfAccount(mailbox, accountId)
        : lookups.byName(accountId, normalizeMailboxName(mailbox))
    if (!box) throw unknownTargetMailbox(mailbox)
    return locationOf(box)
  }

  /**
   * locateTarget for deliveries, cached while the catalog stays the same (db/catalog-version.ts).
   * The cached row's counters (uidNext, highestModseq) go stale; deliveries use only its id, owner
   * and folder, which the catalog stamp covers.
   */
  const deliveryTargetByKey = catalogMemo(ctx.catalog, key => {
    const separator = key.indexOf('\u0000')
    return locateTarget(Number(key.slice(0, separator)), key.slice(separator + 1))
  })
  const deliveryTarget = (accountId: number, mailbox: string): MailboxLocation =>
    deliveryTargetByKey(`${accountId}\u0000${mailbox}`)

  /**
   * One copy of a message in memory (nearly every SMTP delivery): the file is left to the
   * committer, which writes it (tmp/, renamed into cur/) with the rest of its batch and syncs and
   * indexes them in one job on its worker (delivery-committer.ts). A trip of its own to
   * a file thread per message (or two: write, rename) was a third of a delivery's latency and
   * cost the event loop more than the hand-off (bench/smtp.ts).
   */
  const deliverOneCopy = async (
    { target, loc }: { target: DeliveryTarget; loc: MailboxLocation },
    content: Uint8Array,
    internalDate: number,
  ): Promise<DeliveryOutcome> => {
    const flags = flagsToBits(target.flags ?? []) & ALL_FLAG_BITS
    const fileName = formatMaildirName(withSize(ctx.names.next(), content.length), flags)
    const path = `${loc.dir}/cur/${fileName}` // as fileJobFor names it
    try {
      checkQuota(loc, content.length)
    } catch (e) {
      return { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
    }
    const keywords = normalizeKeywords(target.keywords ?? [])
    // The envelope is parsed at its first read (withEnvelopes), not on the delivery's hot path.
    const message: NewMessage = { fileName, size: content.length, internalDate, flags, keywords, envelope: null }
    return commitCopy(target, loc, path, message, { content })
  }

  /** Index a copy placed in cur/ (delivery-committer.ts) and tell sessions; its file goes if that fails. */
  const commitCopy = async (
    target: DeliveryTarget,
    loc: MailboxLocation,
    path: string,
    message: NewMessage,
    file: { dataSynced: boolean } | { content: Uint8Array },
  ): Promise<DeliveryOutcome> => {
    try {
      const pending = { mailboxId: loc.box.id, folderDir: loc.dir, message, ...file }
      // A file the committer writes needs its folder (created again if it was removed meanwhile).
      const row = await ('content' in file ? inFolder(loc, () => committer.commit(pending)) : committer.commit(pending))
      notify(loc.box.id, 'append', [row.uid], row.modseq)
      return {
        ok: true,
        accountId: target.accountId,
        mailboxId: loc.box.id,
        uid: row.uid,
        modseq: row.modseq,
        uidValidity: row.uidValidity,
        path,
        size: message.size,
      }
    } catch (e) {
      await unlink(path).catch(() => {})
      return { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
    }
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

  const saveEnvelope = ctx.sqlite.query<unknown, [string, number]>(
    'UPDATE messages SET envelope_json = ? WHERE id = ? AND envelope_json IS NULL',
  )
  /**
   * Rows of SMTP deliveries and imports carry no envelope: parsing the header block was a tenth of a
   * delivery's event-loop time, and IMAP reads its own cache (imap/message/analyze-message.ts).
   * The records' readers that want it (get(), list() with `envelopes`: export, import's
   * de-duplication) get it here, parsed from the file at the first read and stored for the next; a
   * file that cannot be read or parsed leaves it empty for now.
   */
  const withEnvelopes = async (mailboxId: number, rows: MessageRow[]): Promise<MessageRow[]> => {
    const missing = rows.filter(row => row.envelopeJson === null)
    if (missing.length === 0) return rows
    let loc: MailboxLocation
    try {
      loc = locateById(mailboxId)
    } catch {
      return rows
    }
    const parsed: MessageRow[] = []
    for (const row of missing) {
      try {
        const path = await fileOf(loc, row)
        if (path === null) continue
        row.envelopeJson = JSON.stringify(await parseEnvelope(headerBlock(await readHead(path))))
        parsed.push(row)
      } catch {
        // unreadable now (removed meanwhile, I/O error): asked again at the next read
      }
    }
    if (parsed.length > 0)
      ctx.sqlite.transaction(() => {
        for (const row of parsed) saveEnvelope.run(row.envelopeJson as string, row.id)
      })()
    return rows
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
        notify(
          toId,
          'append',
          inserted.map(r => r.uid),
          inserted[0]?.modseq,
        )
        if (mode === 'move')
          notify(
            fromId,
            'expunge',
            placed.map(p => p.row.uid),
          )
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
      const unique = ctx.names.next()
      const tmp = await inFolder(loc, () => writeTmpFile(loc.dir, unique, input.content, internalDate))
      let published: string | null = null
      try {
        if (!(input.content instanceof Uint8Array)) checkQuota(loc, tmp.size)
        const fileName = formatMaildirName(withSize(unique, tmp.size), flags)
        const path = join(loc.dir, 'cur', fileName)
        await inFolder(loc, () => rename(tmp.path, path))
        published = path
        const envelope = await envelopeOf(input.content, path)
        // cur/ fsync, index row and WAL fsync, shared with concurrent deliveries (delivery-committer.ts).
        const row = await committer.commit({
          mailboxId: loc.box.id,
          folderDir: loc.dir,
          message: { fileName, size: tmp.size, internalDate, flags, keywords, envelope },
        })
        notify(loc.box.id, 'append', [row.uid], row.modseq)
        return {
          mailboxId: loc.box.id,
          uid: row.uid,
          modseq: row.modseq,
          uidValidity: row.uidValidity,
          path,
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
          prepared.push({ target, loc: deliveryTarget(target.accountId, target.mailbox ?? INBOX), index })
        } catch (e) {
          outcomes[index] = { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
        }
      })
      const first = prepared[0]
      if (!first) return outcomes
      if (prepared.length === 1 && input.content instanceof Uint8Array) {
        outcomes[first.index] = await deliverOneCopy(first, input.content, internalDate)
        return outcomes
      }
      // Written (and fsynced) once into the first target's tmp/, then placed into every target's
      // cur/: moved there when there is one target, hard-linked into each otherwise. The new entries
      // of all targets are made durable and indexed together (delivery-committer.ts).
      // Not fsynced here: the committer syncs the batch's files together before indexing them.
      const tmp = await inFolder(first.loc, () =>
        writeTmpFile(first.loc.dir, ctx.names.next(), input.content, internalDate, { sync: false }),
      )
      const move = prepared.length === 1
      let tmpGone = false
      const removeTmp = async () => {
        if (tmpGone) return
        tmpGone = true
        await unlink(tmp.path).catch(() => {})
      }
      let tmpRemoved: Promise<void> = Promise.resolve()
      try {
        const placed = await Promise.all(
          prepared.map(async ({ target, loc, index }) => {
            let path: string | null = null
            try {
              checkQuota(loc, tmp.size)
              const flags = flagsToBits(target.flags ?? []) & ALL_FLAG_BITS
              const keywords = normalizeKeywords(target.keywords ?? [])
              const fileName = formatMaildirName(withSize(ctx.names.next(), tmp.size), flags)
              const placeAt = join(loc.dir, 'cur', fileName)
              path = placeAt
              if (move) {
                await inFolder(loc, () => rename(tmp.path, placeAt))
                tmpGone = true
              } else await inFolder(loc, () => linkOrCopy(tmp.path, placeAt))
              // The envelope is parsed at its first read (withEnvelopes).
              const message: NewMessage = { fileName, size: tmp.size, internalDate, flags, keywords, envelope: null }
              return { target, loc, index, path: placeAt, message }
            } catch (e) {
              if (path !== null) await unlink(path).catch(() => {})
              outcomes[index] = { ok: false, accountId: target.accountId, error: storeFailure(e) as MailError }
              return null
            }
          }),
        )
        // Every link is in place: the tmp/ name can go while they are made durable (a crash in
        // between loses only a message nobody was told about).
        tmpRemoved = removeTmp()
        const dataSynced = !(input.content instanceof Uint8Array)
        await Promise.all(
          placed.map(async p => {
            if (p !== null) outcomes[p.index] = await commitCopy(p.target, p.loc, p.path, p.message, { dataSynced })
          }),
        )
      } finally {
        await tmpRemoved
        await removeTmp()
      }
      return outcomes
    },

    async get(mailboxId, uid) {
      const row = rowFor(mailboxId, uid)
      return row ? toMessageRecord((await withEnvelopes(mailboxId, [row]))[0] as MessageRow) : null
    },

    async list(mailboxId, options = {}) {
      const rows = selectMessageRows(db, mailboxId, options.uids, options.changedSince)
      return (options.envelopes ? await withEnvelopes(mailboxId, rows) : rows).map(toMessageRecord)
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
          const records = changed.filter((r): r is MessageRow => r !== undefined).map(toMessageRecord)
          notify(
            mailboxId,
            'flags',
            records.map(r => r.uid),
            records[0]?.modseq,
          )
          return { changed: records, modified }
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
        notify(
          mailboxId,
          'expunge',
          rows.map(r => r.uid),
        )
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

    async files(mailboxId, ranges) {
      const loc = locateById(mailboxId)
      const out = new Map<number, BunFile>()
      for (const row of selectMessageRows(db, mailboxId, ranges)) {
        out.set(row.uid, Bun.file(join(loc.dir, 'cur', row.maildirFile)))
      }
      return out
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
