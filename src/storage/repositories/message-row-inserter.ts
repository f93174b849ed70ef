// Index rows for new files on the delivery and import hot paths: the rules of insertMessages
// (message-rows.ts) — UIDs in the given order, one MODSEQ for the set, a file already indexed keeps
// its row — with statements prepared once per connection. Building and preparing each query anew
// cost more than the inserts themselves (measured with bench/smtp.ts: ~0.2 ms per message), and
// even drizzle's prepared statements map every placeholder on each call: bun:sqlite statements
// with positional parameters cost about a third of that per row (bench/import.ts: 2,000-row
// batches).
import type { Statement } from 'bun:sqlite'
import type { MailDb } from '../db/open-database.ts'
import { encodedColumns, type InsertedMessage, type NewMessage } from './message-rows.ts'

export interface MessageRowInserter {
  /** Index `items` in one mailbox; call inside a write transaction. Undefined when the mailbox is gone. */
  /**
   * `freshNames`: the caller made every file name just now (a delivery or APPEND), so none can be
   * indexed already and the lookup per file is skipped.
   */
  insert(
    mailboxId: number,
    items: readonly NewMessage[],
    options?: { freshNames?: boolean },
  ): InsertedMessage[] | undefined
}

// Also run by the file worker's own connection (maildir-batch-worker.ts indexRows).
// RFC 7162 §3.1: MODSEQ moves once per change; the UIDs of the set are consecutive.
export const ALLOCATE_UIDS_SQL =
  'UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1 WHERE id = ? ' +
  'RETURNING uid_next AS uidNext, highest_modseq AS modseq, uid_validity AS uidValidity'
/** Parameters: mailbox_id, uid, modseq, flags, keywords, internal_date, size, maildir_file, envelope_json, bodystructure_json. */
export const INSERT_MESSAGE_SQL =
  'INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, internal_date, size, maildir_file, ' +
  'envelope_json, bodystructure_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

type Indexed = { uid: number; modseq: number }
type Allocated = { uidNext: number; modseq: number; uidValidity: number }
type SqlValue = string | number | null

export function createMessageRowInserter(db: MailDb): MessageRowInserter {
  const sqlite = db.$client
  const indexedFile: Statement<Indexed, [number, string]> = sqlite.query(
    'SELECT uid, modseq FROM messages WHERE mailbox_id = ? AND maildir_file = ?',
  )
  const allocate: Statement<Allocated, [number, number]> = sqlite.query(ALLOCATE_UIDS_SQL)
  const current: Statement<{ uidValidity: number }, [number]> = sqlite.query(
    'SELECT uid_validity AS uidValidity FROM mailboxes WHERE id = ?',
  )
  const insertRow: Statement<unknown, SqlValue[]> = sqlite.query(INSERT_MESSAGE_SQL)

  return {
    insert(mailboxId, items, options = {}) {
      const existing = new Map<string, Indexed>()
      for (const item of options.freshNames ? [] : items) {
        const row = indexedFile.get(mailboxId, item.fileName)
        if (row) existing.set(item.fileName, { uid: row.uid, modseq: row.modseq })
      }
      const fresh = existing.size === 0 ? items : items.filter(i => !existing.has(i.fileName))
      let uidValidity: number
      const out = new Map<string, InsertedMessage>()
      if (fresh.length > 0) {
        const ids = allocate.get(fresh.length, mailboxId)
        if (!ids) return undefined
        uidValidity = ids.uidValidity
        const firstUid = ids.uidNext - fresh.length
        for (const [i, item] of fresh.entries()) {
          const uid = firstUid + i
          const { keywords, envelopeJson, bodystructureJson } = encodedColumns(item)
          insertRow.run(
            mailboxId,
            uid,
            ids.modseq,
            item.flags,
            keywords,
            item.internalDate,
            item.size,
            item.fileName,
            envelopeJson,
            bodystructureJson,
          )
          out.set(item.fileName, { fileName: item.fileName, uid, modseq: ids.modseq, uidValidity })
        }
      } else {
        // Nothing new: no UID, no MODSEQ.
        const box = current.get(mailboxId)
        if (!box) return undefined
        uidValidity = box.uidValidity
      }
      for (const [fileName, row] of existing)
        out.set(fileName, { fileName, uid: row.uid, modseq: row.modseq, uidValidity })
      return items.map(i => out.get(i.fileName) as InsertedMessage)
    },
  }
}
