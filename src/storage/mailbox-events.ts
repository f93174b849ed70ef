// Change notifications for mailboxes, one notifier per storage instance (no globals). Repositories
// emit an event right after the index transaction committed — never before, so a listener that
// reads the index sees the change (mox store/account.go: notify sessions only after commit).
// Listeners are IMAP sessions that selected or IDLE on the mailbox; this is how a delivery from
// SMTP, a POP3 deletion or another IMAP session's STORE reaches them (RFC 9051 §7.5.1, RFC 2177).
//
// Emitting is synchronous and never throws: a failing listener is logged and the others still run,
// so a broken session cannot fail the write that already committed.
import { type Logger, silentLogger } from '../core/logger.ts'

export type MailboxEventKind =
  /** New messages (append, delivery, copy or move into the mailbox); `uids` ascending. */
  | 'append'
  /** Messages removed (expunge, move out of the mailbox). */
  | 'expunge'
  /** Flags or keywords of these messages changed; `modseq` is their new MODSEQ. */
  | 'flags'
  /** The mailbox got a new name (the id, UIDVALIDITY and messages stay). */
  | 'rename'
  /** The mailbox no longer exists. */
  | 'delete'

export interface MailboxEvent {
  readonly mailboxId: number
  readonly kind: MailboxEventKind
  readonly uids: readonly number[]
  /** The mailbox's HIGHESTMODSEQ after the change (RFC 7162 §3.1.1). */
  readonly modseq: number
  /** The new name, for 'rename'. */
  readonly name?: string
}

export type MailboxListener = (event: MailboxEvent) => void

export interface MailboxEvents {
  /** Call `listener` for every event of this mailbox until the returned function is called. */
  subscribe(mailboxId: number, listener: MailboxListener): () => void
  emit(event: MailboxEvent): void
  /** Listeners of one mailbox, or of all (tests, metrics). */
  listenerCount(mailboxId?: number): number
}

export function createMailboxEvents(options: { logger?: Logger } = {}): MailboxEvents {
  const logger = options.logger ?? silentLogger
  const listeners = new Map<number, Set<MailboxListener>>()
  return {
    subscribe(mailboxId, listener) {
      let set = listeners.get(mailboxId)
      if (!set) {
        set = new Set()
        listeners.set(mailboxId, set)
      }
      set.add(listener)
      return () => {
        const current = listeners.get(mailboxId)
        if (!current) return
        current.delete(listener)
        if (current.size === 0) listeners.delete(mailboxId)
      }
    },
    emit(event) {
      const set = listeners.get(event.mailboxId)
      if (!set) return
      // A copy: a listener may unsubscribe (or subscribe another) while we iterate.
      for (const listener of [...set]) {
        try {
          listener(event)
        } catch (error) {
          logger.error('mailbox event listener failed', { mailboxId: event.mailboxId, kind: event.kind, error })
        }
      }
    },
    listenerCount(mailboxId) {
      if (mailboxId !== undefined) return listeners.get(mailboxId)?.size ?? 0
      let n = 0
      for (const set of listeners.values()) n += set.size
      return n
    },
  }
}
