// Wire sizes (protocol/wire-size.ts) cost a read of the whole message; the content of a message
// never changes (RFC 9051 §2.3.1.1: a UID names one message for as long as UIDVALIDITY stays), so a
// size measured once holds for the life of the process. Keyed by mailbox, UIDVALIDITY and UID;
// bounded, dropping the least recently used entry (a Map keeps insertion order; a hit re-inserts).

export interface WireSizeCache {
  get(mailboxId: number, uidValidity: number, uid: number): number | undefined
  set(mailboxId: number, uidValidity: number, uid: number, size: number): void
  readonly size: number
}

/** About 100 bytes per entry: the default bound keeps the cache near 10 MB. */
const DEFAULT_MAX_ENTRIES = 100_000

export function createWireSizeCache(maxEntries = DEFAULT_MAX_ENTRIES): WireSizeCache {
  const entries = new Map<string, number>()
  const keyOf = (mailboxId: number, uidValidity: number, uid: number) => `${mailboxId}/${uidValidity}/${uid}`
  return {
    get(mailboxId, uidValidity, uid) {
      const key = keyOf(mailboxId, uidValidity, uid)
      const size = entries.get(key)
      if (size !== undefined) {
        entries.delete(key)
        entries.set(key, size)
      }
      return size
    },
    set(mailboxId, uidValidity, uid, size) {
      const key = keyOf(mailboxId, uidValidity, uid)
      entries.delete(key)
      entries.set(key, size)
      while (entries.size > Math.max(1, maxEntries)) {
        const oldest = entries.keys().next()
        if (oldest.done) break
        entries.delete(oldest.value)
      }
    },
    get size() {
      return entries.size
    },
  }
}
