// The untagged responses for a selected mailbox's queued changes (selected-mailbox.ts takeUpdates):
//   expunges  `* 3 EXPUNGE` per message (RFC 9051 §7.5.1), or one `* VANISHED 7,9:12` once QRESYNC
//             is enabled (RFC 7162 §3.2.10: VANISHED replaces EXPUNGE from then on);
//   arrivals  `* 12 EXISTS` and, for IMAP4rev1 clients, `* 1 RECENT` (RFC 3501 §7.3.2);
//   flags     `* 5 FETCH (UID 42 FLAGS (\Seen) MODSEQ (17))` — UID always (RFC 7162 §3.2.4 needs it
//             with QRESYNC, and it lets any client match the message), MODSEQ once CONDSTORE is on
//             (RFC 7162 §3.1.4.1).
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { type ResponseValue, flagListValue, list, raw } from '../protocol/serializer.ts'
import type { Storage } from '../../storage/index.ts'
import type { EnabledExtensions } from './command-context.ts'
import { responseFlags } from './message-flags.ts'
import type { MailboxUpdates, SelectedMailbox } from './selected-mailbox.ts'
import { toUidRanges } from './uid-ranges.ts'

export interface UpdateWriter {
  storage: Storage
  enabled: Readonly<EnabledExtensions>
  untagged(values: readonly ResponseValue[]): void
}

export async function writeMailboxUpdates(
  out: UpdateWriter,
  view: SelectedMailbox,
  updates: MailboxUpdates,
): Promise<void> {
  if (updates.expunged.length > 0) {
    if (out.enabled.qresync) {
      out.untagged([raw('VANISHED'), raw(formatNumbersAsSequenceSet(updates.expunged.map(e => e.uid)))])
    } else {
      for (const { seq } of updates.expunged) out.untagged([raw(seq), raw('EXPUNGE')])
    }
  }
  if (updates.exists !== null) {
    out.untagged([raw(updates.exists), raw('EXISTS')])
    if (updates.recent !== null && !out.enabled.imap4rev2) out.untagged([raw(updates.recent), raw('RECENT')])
  }
  if (updates.flagUids.length > 0) {
    const records = await out.storage.messages.list(view.mailboxId, { uids: toUidRanges(updates.flagUids) })
    for (const record of records) {
      const seq = view.seqOf(record.uid)
      if (seq === undefined) continue
      out.untagged([raw(seq), raw('FETCH'), flagsFetchItems(record, view, out.enabled)])
    }
  }
}

/** `(UID 42 FLAGS (\Seen) [MODSEQ (17)])` for an unsolicited flag change. */
export function flagsFetchItems(
  record: { uid: number; modseq: number; flags: readonly string[]; keywords: readonly string[] },
  view: SelectedMailbox,
  enabled: Readonly<EnabledExtensions>,
): ResponseValue {
  const items: ResponseValue[] = [
    raw('UID'),
    raw(record.uid),
    raw('FLAGS'),
    flagListValue(responseFlags(record, view.isRecent(record.uid) && !enabled.imap4rev2)),
  ]
  if (enabled.condstore) items.push(raw('MODSEQ'), list([raw(record.modseq)]))
  return list(items)
}
