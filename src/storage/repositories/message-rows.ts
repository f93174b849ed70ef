// Message rows and the index transactions shared by the message and reconcile repositories.
import { and, asc, between, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { MailDb } from '../db/open-database.ts'
import { expunges, mailboxes, messages } from '../db/schema.ts'
import type { StoredEnvelope } from '../envelope/parse-envelope.ts'
import { bitsToFlags, type SystemFlag } from '../maildir/flags.ts'

type Db = Pick<MailDb, 'select' | 'insert' | 'update' | 'delete'>
export type MessageRow = typeof messages.$inferSelect

/** An inclusive UID range; `to` may be Number.MAX_SAFE_INTEGER for IMAP's `*`. */
export interface UidRange {
  from: number
  to: number
}

export interface MessageRecord {
  mailboxId: number
  uid: number
  modseq: number
  flags: SystemFlag[]
  keywords: string[]
  internalDate: number
  size: number
  /** Current file name in the folder's cur/ (`<unique>,S=<size>:2,<info>`). */
  maildirFile: string
  envelope: StoredEnvelope | null
  /** BODYSTRUCTURE cache owned by the IMAP layer (JSON text), or null. */
  bodyStructureJson: string | null
}

export const toMessageRecord = (row: MessageRow): MessageRecord => {
  // Parsed on first use: listing a mailbox for FETCH of bodies or flags never reads it, and the
  // parse cost more than the rest of the row (bench/imap.ts profile).
  let envelope: StoredEnvelope | null | undefined
  return {
    mailboxId: row.mailboxId,
    uid: row.uid,
    modseq: row.modseq,
    flags: bitsToFlags(row.flags),
    keywords: row.keywords === '[]' ? [] : parseJsonArray(row.keywords),
    internalDate: row.internalDate,
    size: row.size,
    maildirFile: row.maildirFile,
    get envelope() {
      envelope ??= row.envelopeJson ? (JSON.parse(row.envelopeJson) as StoredEnvelope) : null
      return envelope
    },
    bodyStructureJson: row.bodystructureJson,
  }
}

export function parseJsonArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

// Rows per statement, far below SQLite's bound-parameter limit.
const CHUNK = 500

// Above this many ranges the SQL gets long; filter in memory instead.
const MAX_SQL_RANGES = 200

/** Rows of a mailbox in UID order, optionally limited to UID ranges and to MODSEQ > changedSince. */
export function selectMessageRows(
  db: Pick<MailDb, 'select'>,
  mailboxId: number,
  ranges?: readonly UidRange[],
  changedSince?: number,
): MessageRow[] {
  if (ranges !== undefined && ranges.length === 0) return []
  const conditions = [eq(messages.mailboxId, mailboxId)]
  if (changedSince !== undefined) conditions.push(gt(messages.modseq, changedSince))
  const inSql = ranges !== undefined && ranges.length <= MAX_SQL_RANGES
  if (ranges !== undefined && inSql) {
    conditions.push(
      or(...ranges.map(g => (g.from === g.to ? eq(messages.uid, g.from) : between(messages.uid, g.from, g.to)))) as SQL,
    )
  }
  const rows = db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(asc(messages.uid))
    .all()
  return ranges === undefined || inSql ? rows : rows.filter(r => ranges.some(g => r.uid >= g.from && r.uid <= g.to))
}

export interface AllocatedIds {
  firstUid: number
  modseq: number
  uidValidity: number
}

/**
 * Reserve `uidCount` UIDs and the next MODSEQ of a mailbox (inside the caller's transaction).
 * Returns undefined when the mailbox no longer exists.
 */
export function allocateIds(db: Db, mailboxId: number, uidCount: number): AllocatedIds | undefined {
  const row = db
    .update(mailboxes)
    .set({
      uidNext: sql`${mailboxes.uidNext} + ${uidCount}`,
      highestModseq: sql`${mailboxes.highestModseq} + 1`,
    })
    .where(eq(mailboxes.id, mailboxId))
    .returning({ uidNext: mailboxes.uidNext, modseq: mailboxes.highestModseq, uidValidity: mailboxes.uidValidity })
    .get()
  return row ? { firstUid: row.uidNext - uidCount, modseq: row.modseq, uidValidity: row.uidValidity } : undefined
}

export interface NewMessage {
  fileName: string
  size: number
  internalDate: number
  flags: number
  keywords: readonly string[]
  envelope: StoredEnvelope | null
  bodyStructureJson?: string | null
}

/** The JSON columns of a new message's row, encoded as every writer of `messages` stores them. */
export function encodedColumns(item: NewMessage): {
  keywords: string
  envelopeJson: string | null
  bodystructureJson: string | null
} {
  return {
    keywords: item.keywords.length === 0 ? '[]' : JSON.stringify(item.keywords),
    envelopeJson: item.envelope ? JSON.stringify(item.envelope) : null,
    bodystructureJson: item.bodyStructureJson ?? null,
  }
}

export interface InsertedMessage {
  fileName: string
  uid: number
  modseq: number
  uidValidity: number
}

/**
 * Index new files in one mailbox (inside the caller's transaction): UIDs in the given order, one
 * MODSEQ for all. A file already indexed (a concurrent reconcile got there first) keeps its row.
 */
export function insertMessages(db: Db, mailboxId: number, items: readonly NewMessage[]): InsertedMessage[] | undefined {
  const existing = new Map<string, { uid: number; modseq: number }>()
  for (let i = 0; i < items.length; i += CHUNK) {
    const names = items.slice(i, i + CHUNK).map(item => item.fileName)
    const rows = db
      .select({ fileName: messages.maildirFile, uid: messages.uid, modseq: messages.modseq })
      .from(messages)
      .where(and(eq(messages.mailboxId, mailboxId), inArray(messages.maildirFile, names)))
      .all()
    for (const row of rows) existing.set(row.fileName, row)
  }
  const fresh = items.filter(i => !existing.has(i.fileName))
  // Nothing new: no UID, no MODSEQ (RFC 7162 §3.1: MODSEQ moves only when something changes).
  const ids =
    fresh.length > 0
      ? allocateIds(db, mailboxId, fresh.length)
      : db
          .select({ firstUid: mailboxes.uidNext, modseq: mailboxes.highestModseq, uidValidity: mailboxes.uidValidity })
          .from(mailboxes)
          .where(eq(mailboxes.id, mailboxId))
          .get()
  if (!ids) return undefined
  const out = new Map<string, InsertedMessage>()
  fresh.forEach((item, i) => {
    const uid = ids.firstUid + i
    db.insert(messages)
      .values({
        mailboxId,
        uid,
        modseq: ids.modseq,
        flags: item.flags,
        internalDate: item.internalDate,
        size: item.size,
        maildirFile: item.fileName,
        ...encodedColumns(item),
      })
      .run()
    out.set(item.fileName, { fileName: item.fileName, uid, modseq: ids.modseq, uidValidity: ids.uidValidity })
  })
  for (const [fileName, row] of existing) {
    out.set(fileName, { fileName, uid: row.uid, modseq: row.modseq, uidValidity: ids.uidValidity })
  }
  return items.map(i => out.get(i.fileName) as InsertedMessage)
}

/** Delete rows and remember their UIDs for QRESYNC (inside the caller's transaction). */
export function deleteMessages(db: Db, mailboxId: number, rows: ReadonlyArray<Pick<MessageRow, 'id' | 'uid'>>): void {
  if (rows.length === 0) return
  const ids = allocateIds(db, mailboxId, 0)
  if (!ids) return
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK)
    db.delete(messages)
      .where(
        inArray(
          messages.id,
          chunk.map(r => r.id),
        ),
      )
      .run()
    db.insert(expunges)
      .values(chunk.map(r => ({ mailboxId, uid: r.uid, modseq: ids.modseq })))
      .onConflictDoUpdate({ target: [expunges.mailboxId, expunges.uid], set: { modseq: ids.modseq } })
      .run()
  }
}
