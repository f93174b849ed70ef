// Mailboxes of an account: name (UTF-8, '/' hierarchy), RFC 6154 special use, UIDVALIDITY,
// UIDNEXT, HIGHESTMODSEQ and subscription, each backed by a Maildir++ folder.
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { and, asc, eq, sql } from 'drizzle-orm'
import { accounts, mailboxes, messages } from '../db/schema.ts'
import { ensureMaildirFolder } from '../maildir/maildir-folder.ts'
import { folderForMailbox, HIERARCHY_DELIMITER, INBOX } from '../maildir/maildir-path.ts'
import { syncDirectory } from '../maildir/sync-directory.ts'
import { normalizeMailboxName, parentNames } from '../mailbox-name.ts'
import { mailboxExists, mailboxNotAllowed, unknownAccount, unknownMailbox } from '../storage-errors.ts'
import { accountDirFor, mailboxDirFor, mailboxLockKey, type RepositoryContext } from './context.ts'
import { findMailbox, insertMailbox, type MailboxRow } from './mailbox-rows.ts'

export interface MailboxRecord {
  id: number
  accountId: number
  name: string
  specialUse: string | null
  uidValidity: number
  uidNext: number
  highestModseq: number
  subscribed: boolean
  /** Maildir++ folder ('' for INBOX). */
  folder: string
  createdAt: number
}

/** What STATUS (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE) needs in one query. */
export interface MailboxStatus {
  messages: number
  unseen: number
  deleted: number
  size: number
  uidNext: number
  uidValidity: number
  highestModseq: number
}

/** What SELECT needs beyond status() (RFC 9051 §6.3.2 FLAGS, RFC 3501 §6.3.1 UNSEEN). */
export interface MailboxFlagSummary {
  /** Keywords set on at least one message, in first-seen spelling. */
  keywords: string[]
  /** Lowest UID without \Seen, or null when every message is seen. */
  firstUnseenUid: number | null
}

export interface CreateMailboxOptions {
  specialUse?: string | null
  subscribed?: boolean
}

export interface MailboxRepository {
  list(accountId: number): Promise<MailboxRecord[]>
  /** By name; `inbox` in any case finds INBOX. */
  get(accountId: number, name: string): Promise<MailboxRecord | null>
  getById(id: number): Promise<MailboxRecord | null>
  /** Creates missing superior levels too (RFC 3501 §6.3.3). */
  create(accountId: number, name: string, options?: CreateMailboxOptions): Promise<MailboxRecord>
  /** Renames inferiors too; renaming INBOX moves its messages to a new mailbox (RFC 3501 §6.3.5). */
  rename(accountId: number, from: string, to: string): Promise<MailboxRecord>
  delete(accountId: number, name: string): Promise<void>
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<MailboxRecord>
  status(mailboxId: number): Promise<MailboxStatus>
  flagSummary(mailboxId: number): Promise<MailboxFlagSummary>
}

export const toMailboxRecord = (row: MailboxRow): MailboxRecord => ({
  id: row.id,
  accountId: row.accountId,
  name: row.name,
  specialUse: row.specialUse,
  uidValidity: row.uidValidity,
  uidNext: row.uidNext,
  highestModseq: row.highestModseq,
  subscribed: row.subscribed,
  folder: row.folder,
  createdAt: row.createdAt,
})

/** RFC 6154 §2 attributes we accept on create. */
const SPECIAL_USES = new Set(['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'])

// LIKE pattern for the inferiors of `name` ('%' and '_' escaped; names cannot contain '%').
const inferiorPattern = (name: string) => `${name.replace(/[\\_]/g, ch => `\\${ch}`)}${HIERARCHY_DELIMITER}%`

/**
 * The part of message moving that mailbox RENAME of INBOX needs; injected by createStorage so the
 * two repositories do not import each other.
 */
export type MoveAllMessages = (fromMailboxId: number, toMailboxId: number) => Promise<void>

export function createMailboxRepository(ctx: RepositoryContext, moveAll: MoveAllMessages): MailboxRepository {
  const { db } = ctx

  const accountEmail = (accountId: number): string => {
    const row = db.select({ email: accounts.email }).from(accounts).where(eq(accounts.id, accountId)).get()
    if (!row) throw unknownAccount(accountId)
    return row.email
  }

  const mustFind = (accountId: number, name: string): MailboxRow => {
    const row = findMailbox(db, accountId, normalizeMailboxName(name))
    if (!row) throw unknownMailbox(name)
    return row
  }

  const childrenOf = (accountId: number, name: string) =>
    db
      .select()
      .from(mailboxes)
      .where(and(eq(mailboxes.accountId, accountId), sql`${mailboxes.name} LIKE ${inferiorPattern(name)} ESCAPE '\\'`))
      .all()

  const repo: MailboxRepository = {
    async list(accountId) {
      return db
        .select()
        .from(mailboxes)
        .where(eq(mailboxes.accountId, accountId))
        .orderBy(sql`${mailboxes.name} <> ${INBOX}`, asc(mailboxes.name))
        .all()
        .map(toMailboxRecord)
    },

    async get(accountId, name) {
      let normal: string
      try {
        normal = normalizeMailboxName(name)
      } catch {
        return null
      }
      const row = findMailbox(db, accountId, normal)
      return row ? toMailboxRecord(row) : null
    },

    async getById(id) {
      const row = db.select().from(mailboxes).where(eq(mailboxes.id, id)).get()
      return row ? toMailboxRecord(row) : null
    },

    async create(accountId, input, options = {}) {
      const name = normalizeMailboxName(input)
      const specialUse = options.specialUse ?? null
      if (specialUse !== null && !SPECIAL_USES.has(specialUse)) {
        throw mailboxNotAllowed(name, `unknown special-use attribute ${specialUse}`)
      }
      const email = accountEmail(accountId)
      const now = ctx.clock.now()
      const created = db.transaction(
        tx => {
          if (findMailbox(tx, accountId, name)) throw mailboxExists(name)
          const rows: MailboxRow[] = []
          for (const parent of parentNames(name)) {
            if (!findMailbox(tx, accountId, parent)) rows.push(insertMailbox(tx, accountId, { name: parent }, now))
          }
          const row = insertMailbox(tx, accountId, { name, specialUse, subscribed: options.subscribed }, now)
          rows.push(row)
          return { row, rows }
        },
        { behavior: 'immediate' },
      )
      for (const row of created.rows) {
        await ensureMaildirFolder(mailboxDirFor(ctx, email, row.folder), { subfolder: row.folder !== '' })
      }
      return toMailboxRecord(created.row)
    },

    async rename(accountId, fromInput, toInput) {
      const from = mustFind(accountId, fromInput)
      const to = normalizeMailboxName(toInput)
      if (findMailbox(db, accountId, to)) throw mailboxExists(to)
      if (to.startsWith(`${from.name}${HIERARCHY_DELIMITER}`)) {
        throw mailboxNotAllowed(to, 'a mailbox cannot be moved below itself')
      }
      if (from.name === INBOX) {
        // RFC 3501 §6.3.5: renaming INBOX moves its messages into a new mailbox; INBOX stays, empty.
        // Its inferiors are not renamed.
        const created = await repo.create(accountId, to)
        await moveAll(from.id, created.id)
        return (await repo.getById(created.id)) ?? created
      }
      const email = accountEmail(accountId)
      const accountDir = accountDirFor(ctx, email)
      const moving = [from, ...childrenOf(accountId, from.name)]
      const plan = moving.map(row => {
        const name = `${to}${row.name.slice(from.name.length)}`
        return { row, name, folder: folderForMailbox(name) }
      })
      return ctx.locks.run(`rename:${accountId}`, async () => {
        // Folders first (each rename is atomic), then the index. A crash in between leaves rows
        // whose folder is gone and folders without rows; reconcile re-indexes the folders.
        const done: typeof plan = []
        try {
          for (const step of plan) {
            await rename(join(accountDir, step.row.folder), join(accountDir, step.folder)).catch(e => {
              if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
            })
            done.push(step)
          }
          await syncDirectory(accountDir)
          const parents = parentNames(to)
          const now = ctx.clock.now()
          const createdParents = db.transaction(
            tx => {
              for (const step of plan) {
                tx.update(mailboxes)
                  .set({ name: step.name, folder: step.folder })
                  .where(eq(mailboxes.id, step.row.id))
                  .run()
              }
              const made: MailboxRow[] = []
              for (const parent of parents) {
                if (!findMailbox(tx, accountId, parent)) made.push(insertMailbox(tx, accountId, { name: parent }, now))
              }
              return made
            },
            { behavior: 'immediate' },
          )
          for (const row of createdParents) {
            await ensureMaildirFolder(mailboxDirFor(ctx, email, row.folder), { subfolder: true })
          }
        } catch (e) {
          for (const step of done.reverse()) {
            await rename(join(accountDir, step.folder), join(accountDir, step.row.folder)).catch(() => {})
          }
          throw e
        }
        for (const step of plan) {
          ctx.events.emit({
            mailboxId: step.row.id,
            kind: 'rename',
            uids: [],
            modseq: step.row.highestModseq,
            name: step.name,
          })
        }
        const renamed = db.select().from(mailboxes).where(eq(mailboxes.id, from.id)).get()
        if (!renamed) throw unknownMailbox(to)
        return toMailboxRecord(renamed)
      })
    },

    async delete(accountId, input) {
      const row = mustFind(accountId, input)
      // RFC 3501 §6.3.4: deleting INBOX is an error.
      if (row.name === INBOX) throw mailboxNotAllowed(INBOX, 'INBOX cannot be deleted')
      // RFC 3501 §6.3.4 would keep a parent as \Noselect; we have no \Noselect mailboxes, so refuse.
      if (childrenOf(accountId, row.name).length > 0) {
        throw mailboxNotAllowed(row.name, 'delete its inferior mailboxes first')
      }
      const email = accountEmail(accountId)
      const accountDir = accountDirFor(ctx, email)
      await ctx.locks.run(mailboxLockKey(row.id), async () => {
        // Move the folder out of the Maildir++ namespace first (atomic), commit, then remove it.
        // `deleted~…` has no leading dot, so no Maildir tool sees it as a folder; reconcile removes
        // leftovers. A crash before the commit leaves the mailbox present but empty.
        const trash = join(accountDir, `deleted~${row.id}~${crypto.randomUUID()}`)
        await rename(join(accountDir, row.folder), trash).catch(e => {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
        })
        await syncDirectory(accountDir)
        db.delete(mailboxes).where(eq(mailboxes.id, row.id)).run()
        ctx.events.emit({ mailboxId: row.id, kind: 'delete', uids: [], modseq: row.highestModseq })
        await rm(trash, { recursive: true, force: true })
      })
    },

    async setSubscribed(accountId, input, subscribed) {
      const row = mustFind(accountId, input)
      const updated = db.update(mailboxes).set({ subscribed }).where(eq(mailboxes.id, row.id)).returning().get()
      if (!updated) throw unknownMailbox(input)
      return toMailboxRecord(updated)
    },

    async status(mailboxId) {
      const box = db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)).get()
      if (!box) throw unknownMailbox(mailboxId)
      const totals = db
        .select({
          messages: sql<number>`count(*)`,
          unseen: sql<number>`coalesce(sum(case when (${messages.flags} & 1) = 0 then 1 else 0 end), 0)`,
          deleted: sql<number>`coalesce(sum(case when (${messages.flags} & 8) <> 0 then 1 else 0 end), 0)`,
          size: sql<number>`coalesce(sum(${messages.size}), 0)`,
        })
        .from(messages)
        .where(eq(messages.mailboxId, mailboxId))
        .get()
      return {
        messages: Number(totals?.messages ?? 0),
        unseen: Number(totals?.unseen ?? 0),
        deleted: Number(totals?.deleted ?? 0),
        size: Number(totals?.size ?? 0),
        uidNext: box.uidNext,
        uidValidity: box.uidValidity,
        highestModseq: box.highestModseq,
      }
    },

    async flagSummary(mailboxId) {
      const keywords = db
        .all<{ value: string }>(
          sql`select distinct j.value as value from ${messages}, json_each(${messages.keywords}) j where ${messages.mailboxId} = ${mailboxId}`,
        )
        .map(r => r.value)
        .filter(k => typeof k === 'string')
      const unseen = db
        .select({ uid: sql<number | null>`min(${messages.uid})` })
        .from(messages)
        .where(and(eq(messages.mailboxId, mailboxId), sql`(${messages.flags} & 1) = 0`))
        .get()
      const seen = new Set<string>()
      return {
        keywords: keywords.filter(k => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase())),
        firstUnseenUid: unseen?.uid ?? null,
      }
    },
  }
  return repo
}
