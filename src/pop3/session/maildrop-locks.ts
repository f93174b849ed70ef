// RFC 1939 §8: the server locks the maildrop for the length of a TRANSACTION state, so a second
// session on the same mailbox is refused ([IN-USE], RFC 2449 §8.1.2) instead of both downloading
// and deleting the same messages. One server process owns the data directory (DESIGN.md "Shape"),
// so an in-process set keyed by account id is the whole lock. Created once per server and shared by
// the POP3 listeners; sessions release on QUIT, on close and on timeout, and release is idempotent
// so no path can free someone else's lock or leak its own.

export interface MaildropLock {
  readonly accountId: number
  /** Free the maildrop; later calls do nothing. */
  release(): void
}

export interface MaildropLocks {
  /** The lock, or null when another session holds this account's maildrop. */
  tryAcquire(accountId: number): MaildropLock | null
  /** Maildrops locked right now (tests, metrics). */
  readonly held: number
}

export function createMaildropLocks(): MaildropLocks {
  const locked = new Set<number>()
  return {
    tryAcquire(accountId) {
      if (locked.has(accountId)) return null
      locked.add(accountId)
      let released = false
      return {
        accountId,
        release() {
          if (released) return
          released = true
          locked.delete(accountId)
        },
      }
    },
    get held() {
      return locked.size
    },
  }
}
