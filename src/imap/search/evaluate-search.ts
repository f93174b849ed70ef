// SEARCH criteria against one message (RFC 9051 §6.4.4; MODSEQ RFC 7162 §3.1.5; OLDER/YOUNGER
// RFC 5032). Flags, sizes, dates and numbers come from the index row; header and body keys read
// the stored message, loaded at most once per message and only when such a key is reached.
// String comparisons are case-insensitive substring matches; dates compare calendar days,
// disregarding time and zone: INTERNALDATE's day in UTC, the Date: header's day as written.
import { type ImapDate, MONTHS, compareImapDates, imapDateOf } from '../protocol/date-time.ts'
import type { DateComparison, SearchKey } from '../protocol/search-keys.ts'
import { sequenceSetIncludes } from '../protocol/sequence-set.ts'
import type { MessageAnalysis } from '../message/index.ts'
import { bodyText, type HeaderValue, headerValues } from './message-text.ts'

export interface SearchRecord {
  uid: number
  modseq: number
  flags: readonly string[]
  keywords: readonly string[]
  internalDate: number
  size: number
}

export interface SearchCandidate {
  seq: number
  record: SearchRecord
  recent: boolean
  /** The stored octets and analysis; null when the file is gone (content keys then fail). */
  load: () => Promise<{ bytes: Uint8Array; analysis: MessageAnalysis } | null>
}

export interface SearchScope {
  /** EXISTS: "*" in a sequence set. */
  messageCount: number
  /** Highest UID in the mailbox: "*" in a UID set. */
  lastUid: number
  /** Epoch milliseconds, for OLDER/YOUNGER. */
  now: number
  /** UIDs of the saved search result, `$` (SEARCHRES, RFC 5182 §2.1); empty when nothing was saved. */
  saved?: ReadonlySet<number>
}

interface MessageContent {
  headers: HeaderValue[]
  body: string | null
  rawBytes: Uint8Array
  analysis: MessageAnalysis
}

/** Whether the message matches the key. */
export async function matchesSearch(key: SearchKey, message: SearchCandidate, scope: SearchScope): Promise<boolean> {
  let content: MessageContent | null | undefined
  const loadContent = async (): Promise<MessageContent | null> => {
    if (content !== undefined) return content
    const loaded = await message.load()
    content =
      loaded === null
        ? null
        : {
            headers: headerValues(loaded.bytes, loaded.analysis.tree),
            body: null,
            rawBytes: loaded.bytes,
            analysis: loaded.analysis,
          }
    return content
  }
  const bodyOf = (c: MessageContent) => {
    c.body ??= bodyText(c.rawBytes, c.analysis.tree).toLowerCase()
    return c.body
  }
  const evaluate = async (k: SearchKey): Promise<boolean> => {
    const record = message.record
    switch (k.type) {
      case 'all':
        return true
      case 'and':
        for (const sub of k.keys) if (!(await evaluate(sub))) return false
        return true
      case 'or':
        return (await evaluate(k.left)) || (await evaluate(k.right))
      case 'not':
        return !(await evaluate(k.key))
      case 'sequence':
      case 'uid':
        // RFC 5182 §2.1: `$` is a set of messages, the same whether used as numbers or as UIDs.
        if (k.set.kind === 'saved') return scope.saved?.has(record.uid) ?? false
        return k.type === 'sequence'
          ? sequenceSetIncludes(k.set.ranges, message.seq, scope.messageCount)
          : sequenceSetIncludes(k.set.ranges, record.uid, scope.lastUid)
      case 'flag':
        return hasFlag(message, k.flag) === k.present
      case 'size':
        return k.comparison === 'larger' ? record.size > k.size : record.size < k.size
      case 'age': {
        const ageSeconds = (scope.now - record.internalDate) / 1000
        return k.comparison === 'older' ? ageSeconds >= k.seconds : ageSeconds <= k.seconds
      }
      case 'modseq':
        // Per-flag MODSEQs are not kept: the message's MODSEQ stands for every entry (RFC 7162 §3.1.5).
        return record.modseq >= k.modseq
      case 'date': {
        if (k.field === 'internal') return compareDay(imapDateOf(new Date(record.internalDate)), k.comparison, k.date)
        const c = await loadContent()
        const header = c?.headers.find(h => h.name === 'date')
        const day = header === undefined ? null : sentDay(header.value)
        return day !== null && compareDay(day, k.comparison, k.date)
      }
      case 'header': {
        const c = await loadContent()
        if (c === null) return false
        const name = k.field.toLowerCase()
        const needle = k.value.toLowerCase()
        return c.headers.some(h => h.name === name && h.value.toLowerCase().includes(needle))
      }
      case 'body': {
        const c = await loadContent()
        return c !== null && bodyOf(c).includes(k.value.toLowerCase())
      }
      case 'text': {
        const c = await loadContent()
        if (c === null) return false
        const needle = k.value.toLowerCase()
        return c.headers.some(h => `${h.name}: ${h.value}`.toLowerCase().includes(needle)) || bodyOf(c).includes(needle)
      }
    }
  }
  return evaluate(key)
}

function hasFlag(message: SearchCandidate, flag: string): boolean {
  if (flag.toLowerCase() === '\\recent') return message.recent
  const lower = flag.toLowerCase()
  const list = flag.startsWith('\\') ? message.record.flags : message.record.keywords
  return list.some(f => f.toLowerCase() === lower)
}

function compareDay(day: ImapDate, comparison: DateComparison, target: ImapDate): boolean {
  const order = compareImapDates(day, target)
  return comparison === 'before' ? order < 0 : comparison === 'on' ? order === 0 : order >= 0
}

const MONTH_NUMBER = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i + 1]))

/** The calendar day of an RFC 5322 date (`Tue, 1 Apr 2025 10:00:00 +0000`) as written, or null. */
export function sentDay(value: string): ImapDate | null {
  const match = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value)
  if (match !== null) {
    const month = MONTH_NUMBER.get((match[2] as string).toLowerCase())
    let year = Number(match[3])
    // RFC 5322 §4.3 obsolete two- and three-digit years.
    if (year < 50) year += 2000
    else if (year < 1000) year += 1900
    if (month !== undefined) return { year, month, day: Number(match[1]) }
  }
  const parsed = Date.parse(value)
  return Number.isNaN(parsed) ? null : imapDateOf(new Date(parsed))
}
