// SortableMessage rows for the SORT and THREAD tests: envelopes built from a few fields.
import { EMPTY_ENVELOPE, type ImapEnvelope } from '../../../src/imap/message/envelope.ts'
import { SortableMessage } from '../../../src/imap/sort/sortable-message.ts'

export interface Row {
  subject?: string | null
  date?: string | null
  from?: string
  fromName?: string | null
  to?: string
  cc?: string
  messageId?: string | null
  inReplyTo?: string | null
  references?: string | null
  size?: number
  /** Internal date, epoch ms. */
  arrival?: number
}

const address = (spec: string | undefined, name: string | null = null) => {
  if (spec === undefined) return null
  const [mailbox, host] = spec.split('@')
  return [{ name, adl: null, mailbox: mailbox ?? null, host: host ?? null }]
}

/** Messages 1..n (seq = index + 1, uid = 10 * seq). */
export function messages(rows: readonly Row[]): SortableMessage[] {
  return rows.map((row, i) => {
    const envelope: ImapEnvelope = {
      ...EMPTY_ENVELOPE,
      subject: row.subject === undefined ? `subject ${i + 1}` : row.subject,
      date: row.date === undefined ? null : row.date,
      from: address(row.from, row.fromName ?? null),
      to: address(row.to),
      cc: address(row.cc),
      messageId: row.messageId === undefined ? `<${i + 1}@test>` : row.messageId,
      inReplyTo: row.inReplyTo ?? null,
    }
    return new SortableMessage({
      seq: i + 1,
      uid: 10 * (i + 1),
      internalDate: row.arrival ?? Date.UTC(2025, 0, 1) + i * 60_000,
      size: row.size ?? 100,
      envelope,
      references: row.references ?? null,
    })
  })
}

/** `1 Jan 2025 hh:mm:00 +0000` */
export const at = (hour: number, minute = 0) =>
  `1 Jan 2025 ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00 +0000`
