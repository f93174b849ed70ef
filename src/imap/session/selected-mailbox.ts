// One session's view of its selected mailbox (RFC 9051 §2.3.1.2): message sequence numbers are this
// session's own. They change only when the session tells the client — EXISTS appends at the end,
// EXPUNGE/VANISHED removes — so other sessions' changes are queued here as they are committed
// (storage mailbox-events) and applied only when the session flushes them at a moment the RFC
// allows (selected-mailbox-updates.ts writes them):
//
//   - EXISTS/RECENT and FETCH FLAGS after any command (RFC 9051 §7.5.1 / §7.3.1, RFC 3501 §7.3.2);
//   - EXPUNGE not while answering FETCH, STORE or SEARCH by sequence number, nor between commands
//     (RFC 9051 §7.5.1), so a client's numbers stay valid until then;
//   - everything at once during IDLE (RFC 2177 §3).
//
// The commands that work on messages (FETCH, STORE, SEARCH, COPY, MOVE) resolve their sets with
// uidsOf(), map UIDs back with seqOf(), ask isRecent() for \Recent, and after reporting a flag change
// themselves call acknowledgeFlags() so the same change is not reported twice.
import { syntaxError } from '../../core/errors.ts'
import type { MailboxEvent } from '../../storage/index.ts'
import { type SequenceSet, filterUidsInSet, isSequenceSetInRange, expandSequenceSet } from '../protocol/sequence-set.ts'

const EMPTY_UIDS = new Uint32Array(0)

export interface SelectedMailboxInit {
  mailboxId: number
  name: string
  /** EXAMINE (RFC 9051 §6.3.3): no flag changes, no expunge, no \Recent claimed. */
  readOnly: boolean
  uidValidity: number
  highestModseq: number
  /**
   * How this session claims \Recent for messages that arrive while it is selected (recent-tracker.ts):
   * claim() for SELECT, unclaimed() for EXAMINE.
   */
  claimRecent: (uids: readonly number[]) => number[]
}

/** What a flush must tell the client, in this order. */
export interface MailboxUpdates {
  /** Removed messages: `seq` is the number each had when its EXPUNGE is sent (in this order). */
  expunged: Array<{ seq: number; uid: number }>
  /** The new message count, when messages were added. */
  exists: number | null
  /** The session's \Recent count, when messages were added. */
  recent: number | null
  /** Messages (still present, ascending) whose flags changed: answer with FETCH FLAGS. */
  flagUids: number[]
  /** The mailbox was deleted (by another session or the admin): the session has to go (BYE). */
  deleted: boolean
}

export class SelectedMailbox {
  readonly mailboxId: number
  readonly readOnly: boolean
  readonly uidValidity: number
  name: string
  /** Highest MODSEQ this session has heard of (RFC 7162 §3.1.1). */
  highestModseq: number

  /**
   * UIDs in sequence order: message n is uids[n - 1]. Never changed in place, only replaced, so
   * sessions that selected the same mailbox state share one array (uid-snapshots.ts); 4 octets a
   * message instead of a JS array's 8 matters with thousands of idle sessions.
   */
  private uids: Uint32Array = EMPTY_UIDS
  private readonly recent = new Set<number>()
  private readonly claimRecent: (uids: readonly number[]) => number[]
  private readonly pendingExpunged = new Set<number>()
  /** New UIDs, ascending, not yet announced with EXISTS. */
  private pendingAdded: number[] = []
  /** UID → MODSEQ of a flag change not yet reported. */
  private readonly pendingFlags = new Map<number, number>()
  private deleted = false
  /**
   * SEARCHRES (RFC 5182 §2.1): the UIDs the last SEARCH RETURN (SAVE) matched. Kept as UIDs, so a
   * message expunged since simply drops out; empty (not absent) in a freshly selected mailbox.
   */
  private savedResult: readonly number[] = []

  constructor(init: SelectedMailboxInit) {
    this.mailboxId = init.mailboxId
    this.name = init.name
    this.readOnly = init.readOnly
    this.uidValidity = init.uidValidity
    this.highestModseq = init.highestModseq
    this.claimRecent = init.claimRecent
  }

  /**
   * The messages at selection time. Subscribe to events first, then read the UIDs and load them:
   * an event that raced the read is then either already in `uids` (and ignored) or still queued.
   */
  load(uids: Uint32Array | readonly number[], recent: Iterable<number>): void {
    this.uids = uids instanceof Uint32Array ? uids : Uint32Array.from(uids)
    for (const uid of recent) this.recent.add(uid)
  }

  // ---- the numbers the client knows ----

  /** EXISTS as last reported. */
  get messageCount(): number {
    return this.uids.length
  }

  /** The UIDs in sequence order (index n-1 is message n). Do not keep it across a flush. */
  get allUids(): ArrayLike<number> {
    return this.uids
  }

  get lastUid(): number {
    return this.uids[this.uids.length - 1] ?? 0
  }

  get recentCount(): number {
    return this.recent.size
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1]
  }

  /** The message sequence number of a UID, or undefined when it is not (or no longer) in the view. */
  seqOf(uid: number): number | undefined {
    const i = this.indexOf(uid)
    return i < 0 ? undefined : i + 1
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid)
  }

  /** Expunged by someone, but not yet reported to this client (its FETCH finds no message). */
  isExpungePending(uid: number): boolean {
    return this.pendingExpunged.has(uid)
  }

  /**
   * The UIDs a set names, ascending: message numbers (`byUid` false) or UIDs. Message numbers above
   * EXISTS, or "*" in an empty mailbox, are a client error (RFC 9051 §9 seq-number: tagged BAD);
   * UIDs that do not exist are simply left out (RFC 9051 §6.4.9).
   */
  uidsOf(set: SequenceSet, byUid: boolean): number[] {
    // RFC 5182 §2.1: "$" names the same messages whether the command counts by UID or by number.
    if (set.kind === 'saved') return this.savedUids()
    if (byUid) return filterUidsInSet(set.ranges, this.uids)
    if (!isSequenceSetInRange(set.ranges, this.uids.length)) {
      throw syntaxError(`Message sequence number out of range (mailbox has ${this.uids.length} messages)`)
    }
    return expandSequenceSet(set.ranges, this.uids.length).map(seq => this.uids[seq - 1] as number)
  }

  /** RFC 5182 §2.4: SEARCH RETURN (SAVE) replaces the saved result (a failed SEARCH empties it). */
  saveResult(uids: readonly number[]): void {
    this.savedResult = [...uids].sort((a, b) => a - b)
  }

  /** The saved result's messages still in the view, ascending (RFC 5182 §2.1: expunged ones drop out). */
  savedUids(): number[] {
    return this.savedResult.filter(uid => this.indexOf(uid) >= 0)
  }

  // ---- changes by others ----

  /** Queue a committed change (storage mailbox-events). Never throws. */
  onEvent(event: MailboxEvent): void {
    if (event.modseq > this.highestModseq) this.highestModseq = event.modseq
    switch (event.kind) {
      case 'append': {
        let last = this.pendingAdded[this.pendingAdded.length - 1] ?? this.lastUid
        for (const uid of event.uids) {
          // UIDs grow with every commit and events come in commit order, so a new one is above all.
          if (uid > last) {
            this.pendingAdded.push(uid)
            last = uid
          }
        }
        return
      }
      case 'expunge':
        for (const uid of event.uids) {
          const queued = this.pendingAdded.indexOf(uid)
          // Never announced: the client need not hear of it at all.
          if (queued >= 0) this.pendingAdded.splice(queued, 1)
          else this.pendingExpunged.add(uid)
          this.pendingFlags.delete(uid)
        }
        return
      case 'flags':
        for (const uid of event.uids) {
          if ((this.pendingFlags.get(uid) ?? 0) < event.modseq) this.pendingFlags.set(uid, event.modseq)
        }
        return
      case 'rename':
        if (event.name !== undefined) this.name = event.name
        return
      case 'delete':
        this.deleted = true
        return
    }
  }

  /**
   * The session reported these flags itself (STORE, FETCH setting \Seen) at `modseq`: drop a queued
   * report of the same change, keep a later one.
   */
  acknowledgeFlags(uid: number, modseq: number): void {
    const pending = this.pendingFlags.get(uid)
    if (pending !== undefined && pending <= modseq) this.pendingFlags.delete(uid)
  }

  hasPendingUpdates(options: { expunge: boolean }): boolean {
    return (
      this.deleted ||
      this.pendingAdded.length > 0 ||
      this.pendingFlags.size > 0 ||
      (options.expunge && this.pendingExpunged.size > 0)
    )
  }

  /**
   * Apply what is queued to the view and return what to tell the client. `expunge: false` keeps
   * expunges queued (RFC 9051 §7.5.1); sequence numbers then stay as the client knows them.
   */
  takeUpdates(options: { expunge: boolean }): MailboxUpdates {
    const updates: MailboxUpdates = { expunged: [], exists: null, recent: null, flagUids: [], deleted: this.deleted }
    if (options.expunge && this.pendingExpunged.size > 0) {
      const indices: number[] = []
      for (const uid of this.pendingExpunged) {
        const i = this.indexOf(uid)
        if (i >= 0) indices.push(i)
      }
      this.pendingExpunged.clear()
      indices.sort((a, b) => a - b)
      // Reported lowest first: each EXPUNGE renumbers the messages after it (RFC 9051 §7.5.1), so
      // the k-th removal (0-based) of original index i is message i + 1 - k at that moment.
      indices.forEach((i, k) => {
        const uid = this.uids[i] as number
        updates.expunged.push({ seq: i + 1 - k, uid })
        this.recent.delete(uid)
      })
      if (indices.length > 0) {
        const gone = new Set(indices)
        this.uids = this.uids.filter((_, i) => !gone.has(i))
      }
    }
    if (this.pendingAdded.length > 0) {
      const added = this.pendingAdded.filter(uid => uid > this.lastUid)
      this.pendingAdded = []
      if (added.length > 0) {
        const grown = new Uint32Array(this.uids.length + added.length)
        grown.set(this.uids)
        grown.set(added, this.uids.length)
        this.uids = grown
        for (const uid of this.claimRecent(added)) this.recent.add(uid)
        updates.exists = this.uids.length
        updates.recent = this.recent.size
      }
    }
    if (this.pendingFlags.size > 0) {
      for (const uid of this.pendingFlags.keys()) {
        // A message whose expunge is still held back is gone from storage: nothing to report.
        if (this.indexOf(uid) >= 0 && !this.pendingExpunged.has(uid)) updates.flagUids.push(uid)
      }
      this.pendingFlags.clear()
      updates.flagUids.sort((a, b) => a - b)
    }
    return updates
  }

  private indexOf(uid: number): number {
    let low = 0
    let high = this.uids.length - 1
    while (low <= high) {
      const mid = (low + high) >>> 1
      const value = this.uids[mid] as number
      if (value === uid) return mid
      if (value < uid) low = mid + 1
      else high = mid - 1
    }
    return -1
  }
}
