// Index rows for new files on the delivery hot path: the rules of insertMessages (message-rows.ts) —
// UIDs in the given order, one MODSEQ for the set, a file already indexed keeps its row — with
// statements prepared once per connection. Building and preparing each query anew cost more than
// the inserts themselves (measured with bench/smtp.ts: ~0.2 ms per message).
import { and, eq, sql } from 'drizzle-orm'
import type { MailDb } from '../db/open-database.ts'
import { mailboxes, messages } from '../db/schema.ts'
import type { InsertedMessage, NewMessage } from './message-rows.ts'

export interface MessageRowInserter {
  /** Index `items` in one mailbox; call inside a write transaction. Undefined when the mailbox is gone. */
  insert(mailboxId: number, items: readonly NewMessage[]): InsertedMessage[] | undefined
}

export function createMessageRowInserter(db: MailDb): MessageRowInserter {
  const indexedFile = db
    .select({ uid: messages.uid, modseq: messages.modseq })
    .from(messages)
    .where(
      and(eq(messages.mailboxId, sql.placeholder('mailboxId')), eq(messages.maildirFile, sql.placeholder('fileName'))),
    )
    .prepare()
  // RFC 7162 §3.1: MODSEQ moves once per change; the UIDs of the set are consecutive.
  const allocate = db
    .update(mailboxes)
    .set({
      uidNext: sql`${mailboxes.uidNext} + ${sql.placeholder('count')}`,
      highestModseq: sql`${mailboxes.highestModseq} + 1`,
    })
    .where(eq(mailboxes.id, sql.placeholder('mailboxId')))
    .returning({ uidNext: mailboxes.uidNext, modseq: mailboxes.highestModseq, uidValidity: mailboxes.uidValidity })
    .prepare()
  const current = db
    .select({ uidValidity: mailboxes.uidValidity })
    .from(mailboxes)
    .where(eq(mailboxes.id, sql.placeholder('mailboxId')))
    .prepare()
  const insertRow = db
    .insert(messages)
    .values({
      mailboxId: sql.placeholder('mailboxId'),
      uid: sql.placeholder('uid'),
      modseq: sql.placeholder('modseq'),
      flags: sql.placeholder('flags'),
      keywords: sql.placeholder('keywords'),
      internalDate: sql.placeholder('internalDate'),
      size: sql.placeholder('size'),
      maildirFile: sql.placeholder('maildirFile'),
      envelopeJson: sql.placeholder('envelopeJson'),
      bodystructureJson: sql.placeholder('bodystructureJson'),
    })
    .prepare()

  return {
    insert(mailboxId, items) {
      const existing = new Map<string, { uid: number; modseq: number }>()
      for (const item of items) {
        const row = indexedFile.get({ mailboxId, fileName: item.fileName })
        if (row) existing.set(item.fileName, row)
      }
      const fresh = items.filter(i => !existing.has(i.fileName))
      let uidValidity: number
      const out = new Map<string, InsertedMessage>()
      if (fresh.length > 0) {
        const ids = allocate.get({ mailboxId, count: fresh.length })
        if (!ids) return undefined
        uidValidity = ids.uidValidity
        const firstUid = ids.uidNext - fresh.length
        fresh.forEach((item, i) => {
          const uid = firstUid + i
          insertRow.run({
            mailboxId,
            uid,
            modseq: ids.modseq,
            flags: item.flags,
            keywords: JSON.stringify(item.keywords),
            internalDate: item.internalDate,
            size: item.size,
            maildirFile: item.fileName,
            envelopeJson: item.envelope ? JSON.stringify(item.envelope) : null,
            bodystructureJson: item.bodyStructureJson ?? null,
          })
          out.set(item.fileName, { fileName: item.fileName, uid, modseq: ids.modseq, uidValidity })
        })
      } else {
        // Nothing new: no UID, no MODSEQ.
        const box = current.get({ mailboxId })
        if (!box) return undefined
        uidValidity = box.uidValidity
      }
      for (const [fileName, row] of existing)
        out.set(fileName, { fileName, uid: row.uid, modseq: row.modseq, uidValidity })
      return items.map(i => out.get(i.fileName) as InsertedMessage)
    },
  }
}
