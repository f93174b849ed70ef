// The UIDs of a mailbox as of one MODSEQ, shared by the sessions that select it in that state. A
// SelectedMailbox never changes its UID array in place (it replaces it on EXISTS/EXPUNGE), so one
// Uint32Array serves every session that selected the mailbox at the same HIGHESTMODSEQ: ten
// thousand clients idling on a 5,000-message INBOX hold one 20 KB array, not ten thousand.
//
// Every append and expunge moves the mailbox's HIGHESTMODSEQ (storage allocateIds), so a snapshot
// labelled with the MODSEQ a session read AFTER subscribing to the mailbox's events is never older
// than that session's event stream: whatever changed since is queued for it (and a change the
// snapshot already holds is ignored when its event arrives, selected-mailbox.ts).
import type { Storage } from '../../storage/index.ts'

/** Mailboxes whose snapshot is kept; the least recently stored goes first. */
const MAX_MAILBOXES = 256

export class UidSnapshots {
  private readonly byMailbox = new Map<number, { modseq: number; uids: Uint32Array }>()

  /** The UIDs of `mailboxId`, ascending, for a session that has read `modseq` after subscribing. */
  async read(storage: Storage, mailboxId: number, modseq: number): Promise<Uint32Array> {
    const hit = this.byMailbox.get(mailboxId)
    if (hit !== undefined && hit.modseq === modseq) return hit.uids
    const uids = Uint32Array.from(await storage.messages.uids(mailboxId))
    this.byMailbox.delete(mailboxId)
    this.byMailbox.set(mailboxId, { modseq, uids })
    if (this.byMailbox.size > MAX_MAILBOXES) {
      const oldest = this.byMailbox.keys().next().value
      if (oldest !== undefined) this.byMailbox.delete(oldest)
    }
    return uids
  }
}
