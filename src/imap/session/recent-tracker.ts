// \Recent (RFC 3501 §2.3.2): a message is recent in exactly one session, the first one told about
// it; RFC 9051 dropped the flag but IMAP4rev1 clients still read RECENT. One tracker per server
// (created by the IMAP module, shared by its endpoints), in memory: per mailbox, the highest UID
// whose \Recent a session has claimed. UIDs only grow, so that one number is the whole state.
//
// After a restart nothing is claimed, so messages count as recent once more: RFC 3501 §2.3.2 says a
// message SHOULD be considered recent when that cannot be determined.
export interface RecentTracker {
  /** Claim \Recent for these UIDs (SELECT, new arrivals in a read-write session): those that are this session's. */
  claim(mailboxId: number, uids: readonly number[]): number[]
  /** The UIDs nobody has claimed yet, without claiming them (EXAMINE must not, RFC 3501 §6.3.2; STATUS RECENT). */
  unclaimed(mailboxId: number, uids: readonly number[]): number[]
}

export function createRecentTracker(): RecentTracker {
  const claimedUpTo = new Map<number, number>()
  const unclaimed = (mailboxId: number, uids: readonly number[]) => {
    const upTo = claimedUpTo.get(mailboxId) ?? 0
    return uids.filter(uid => uid > upTo)
  }
  return {
    claim(mailboxId, uids) {
      const fresh = unclaimed(mailboxId, uids)
      // reduce, not Math.max(...fresh): a big mailbox would overflow the argument list.
      if (fresh.length > 0)
        claimedUpTo.set(
          mailboxId,
          fresh.reduce((a, b) => Math.max(a, b), 0),
        )
      return fresh
    },
    unclaimed,
  }
}
