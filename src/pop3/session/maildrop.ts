// The maildrop of one TRANSACTION state (RFC 1939 §5): the INBOX messages as they were when the
// client logged in, numbered 1..n in UID order. Messages delivered later are not shown until the
// next session; messages removed by an IMAP session meanwhile keep their number (RETR then fails
// for them). DELE only marks; nothing reaches storage before QUIT (the UPDATE state), so a session
// that ends any other way changes nothing.
import type { BunFile } from 'bun'
import type { UidRange } from '../../storage/index.ts'
import { pop3UserError } from '../protocol/pop3-error.ts'

export interface MaildropMessage {
  readonly uid: number
  /** Size in the index (the file's bytes). */
  readonly storedSize: number
  /** \Seen at login. */
  readonly seen: boolean
  /** Octets RETR sends (protocol/wire-size.ts); null until measured. */
  wireSize: number | null
  /** Marked by DELE in this session. */
  deleted: boolean
  /** Sent in full by RETR in this session (marked \Seen at QUIT). */
  retrieved: boolean
  /** The message file as storage named it at login; re-asked when a read fails (renamed, removed). */
  file: BunFile | null
}

export class Maildrop {
  constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
    readonly messages: readonly MaildropMessage[],
  ) {}

  /**
   * Message `msg` (1-based). RFC 1939 §5: a number out of range and a message marked deleted are
   * both "-ERR no such message" (the latter says so, so the client knows why).
   */
  message(msg: number): MaildropMessage {
    const message = msg >= 1 ? this.messages[msg - 1] : undefined
    if (message === undefined) throw pop3UserError('no such message')
    if (message.deleted) throw pop3UserError(`message ${msg} already deleted`)
    return message
  }

  /** Messages not marked deleted, with their numbers. */
  live(): Array<{ msg: number; message: MaildropMessage }> {
    const out: Array<{ msg: number; message: MaildropMessage }> = []
    this.messages.forEach((message, i) => {
      if (!message.deleted) out.push({ msg: i + 1, message })
    })
    return out
  }

  /** RFC 1939 §5 STAT: messages not marked deleted and their total size (sizes must be measured). */
  stat(): { count: number; octets: number } {
    let count = 0
    let octets = 0
    for (const m of this.messages) {
      if (m.deleted) continue
      count++
      octets += sizeOf(m)
    }
    return { count, octets }
  }

  /** RFC 1939 §5 RSET: unmark every deleted message. */
  reset(): void {
    for (const m of this.messages) m.deleted = false
  }

  deletedUids(): number[] {
    return this.messages.filter(m => m.deleted).map(m => m.uid)
  }

  /** Messages RETR sent that were not \Seen yet (and are not being deleted). */
  newlySeenUids(): number[] {
    return this.messages.filter(m => m.retrieved && !m.seen && !m.deleted).map(m => m.uid)
  }
}

/** The measured size; the stored size until measured (never observable: handlers measure first). */
export const sizeOf = (m: MaildropMessage): number => m.wireSize ?? m.storedSize

/** Ascending UIDs → the fewest ranges (storage takes ranges, like IMAP sequence sets). */
export function toUidRanges(uids: readonly number[]): UidRange[] {
  const sorted = [...uids].sort((a, b) => a - b)
  const ranges: UidRange[] = []
  for (const uid of sorted) {
    const last = ranges[ranges.length - 1]
    if (last && uid === last.to + 1) last.to = uid
    else if (!last || uid > last.to) ranges.push({ from: uid, to: uid })
  }
  return ranges
}
