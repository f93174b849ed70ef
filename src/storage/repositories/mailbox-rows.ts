// Mailbox rows shared by the account, mailbox, message and reconcile repositories.
import { and, eq, sql } from 'drizzle-orm'
import type { MailDb } from '../db/open-database.ts'
import { accounts, mailboxes } from '../db/schema.ts'
import { folderForMailbox, INBOX } from '../maildir/maildir-path.ts'

type Db = Pick<MailDb, 'select' | 'insert' | 'update'>

export type MailboxRow = typeof mailboxes.$inferSelect

/** RFC 6154 special-use mailboxes created with every account, besides INBOX. */
export const DEFAULT_SPECIAL_USE: ReadonlyArray<{ name: string; specialUse: string }> = [
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
]

/**
 * Next UIDVALIDITY for an account: the current time in seconds, or one more than the last value
 * handed out if that is later. Never reused, so a re-created mailbox always gets a new one
 * (RFC 3501 §2.3.1.1), and it stays a 32-bit value until 2106.
 */
export function allocateUidValidity(db: Db, accountId: number, nowMs: number): number {
  const row = db
    .update(accounts)
    .set({ lastUidValidity: sql`max(${accounts.lastUidValidity} + 1, ${Math.floor(nowMs / 1000)})` })
    .where(eq(accounts.id, accountId))
    .returning({ value: accounts.lastUidValidity })
    .get()
  if (!row) throw new Error(`account ${accountId} vanished while allocating UIDVALIDITY`)
  return row.value
}

export interface NewMailbox {
  name: string
  specialUse?: string | null
  subscribed?: boolean
}

/** Insert a mailbox row (name already normalised); the caller creates the folder on disk. */
export function insertMailbox(db: Db, accountId: number, mailbox: NewMailbox, nowMs: number): MailboxRow {
  return db
    .insert(mailboxes)
    .values({
      accountId,
      name: mailbox.name,
      specialUse: mailbox.specialUse ?? null,
      uidValidity: allocateUidValidity(db, accountId, nowMs),
      subscribed: mailbox.subscribed ?? true,
      folder: folderForMailbox(mailbox.name),
      createdAt: nowMs,
    })
    .returning()
    .get()
}

export function findMailbox(db: Pick<MailDb, 'select'>, accountId: number, name: string): MailboxRow | undefined {
  return db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.accountId, accountId), eq(mailboxes.name, name)))
    .get()
}

export const isInbox = (name: string) => name === INBOX
