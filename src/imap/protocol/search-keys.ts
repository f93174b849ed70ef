// SEARCH criteria as a tree (RFC 9051 §6.4.4 and §9 `search-key`; RFC 3501 RECENT/NEW/OLD;
// MODSEQ RFC 7162 §3.1.5; OLDER/YOUNGER RFC 5032; `$` RFC 5182). Keys in sequence or inside
// parentheses are ANDed; OR takes two keys; NOT one. FROM/TO/CC/BCC/SUBJECT are header searches.
import type { ImapDate } from './date-time.ts'
import { ATOM_CHAR } from './char-classes.ts'
import { normalizeFlag, readFlag } from './flags.ts'
import type { SequenceSet } from './sequence-set.ts'
import type { ImapTokenizer } from './tokenizer.ts'

export type DateComparison = 'before' | 'on' | 'since'

export type SearchKey =
  | { type: 'all' }
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'not'; key: SearchKey }
  /** Message sequence numbers (or `$`). */
  | { type: 'sequence'; set: SequenceSet }
  | { type: 'uid'; set: SequenceSet }
  /** SEEN → { flag: '\\Seen', present: true }; UNSEEN → present: false; KEYWORD x → { flag: 'x' }. */
  | { type: 'flag'; flag: string; present: boolean }
  /** HEADER name value, and FROM/TO/CC/BCC/SUBJECT as the header of that name (RFC 9051 §6.4.4). */
  | { type: 'header'; field: string; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  /** BEFORE/ON/SINCE (internal date) and SENTBEFORE/SENTON/SENTSINCE (Date: header). */
  | { type: 'date'; field: 'internal' | 'sent'; comparison: DateComparison; date: ImapDate }
  | { type: 'size'; comparison: 'larger' | 'smaller'; size: number }
  /** RFC 5032 WITHIN: OLDER/YOUNGER interval in seconds. */
  | { type: 'age'; comparison: 'older' | 'younger'; seconds: number }
  | { type: 'modseq'; modseq: number; entry: ModseqEntry | null }

/** RFC 7162 §3.1.5 entry-name `"/flags/\\Seen"` and entry-type-req. */
export interface ModseqEntry {
  flag: string
  kind: 'priv' | 'shared' | 'all'
}

/** Deeper nesting of NOT/OR/parentheses is refused, so hostile input cannot exhaust the stack. */
export const MAX_SEARCH_DEPTH = 64

const OPEN_PAREN = 0x28
const DQUOTE = 0x22

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  RECENT: ['\\Recent', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
  OLD: ['\\Recent', false],
}
const HEADER_KEYS = new Set(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT'])
const DATE_KEYS: Record<string, ['internal' | 'sent', DateComparison]> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
}
/** RFC 5322 §3.6.8 field-name. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/

/** `search-key *(SP search-key)` up to the end of the command; several keys are ANDed. */
export function readSearchCriteria(t: ImapTokenizer): SearchKey {
  const keys = [readSearchKey(t)]
  while (t.more()) keys.push(readSearchKey(t))
  return keys.length === 1 ? (keys[0] as SearchKey) : { type: 'and', keys }
}

export function readSearchKey(t: ImapTokenizer, depth = 0): SearchKey {
  if (depth > MAX_SEARCH_DEPTH) t.fail(`Search criteria nested deeper than ${MAX_SEARCH_DEPTH} levels`)
  const b = t.peek()
  if (b === OPEN_PAREN) {
    const keys = t.list('search key list', () => readSearchKey(t, depth + 1))
    return keys.length === 1 ? (keys[0] as SearchKey) : { type: 'and', keys }
  }
  if (b !== undefined && ((b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x24)) {
    return { type: 'sequence', set: t.sequenceSet() }
  }
  const word = t.atomUpper('search key')
  const flagKey = FLAG_KEYS[word]
  if (flagKey !== undefined) return { type: 'flag', flag: flagKey[0], present: flagKey[1] }
  const dateKey = DATE_KEYS[word]
  if (dateKey !== undefined) {
    t.space(`date after ${word}`)
    return { type: 'date', field: dateKey[0], comparison: dateKey[1], date: t.date(`date after ${word}`) }
  }
  if (HEADER_KEYS.has(word)) {
    t.space(`string after ${word}`)
    return { type: 'header', field: word, value: t.astring(`string after ${word}`, 'lenient') }
  }
  switch (word) {
    case 'ALL':
      return { type: 'all' }
    case 'NEW':
      // RFC 3501 §6.4.4: NEW is "RECENT UNSEEN".
      return {
        type: 'and',
        keys: [
          { type: 'flag', flag: '\\Recent', present: true },
          { type: 'flag', flag: '\\Seen', present: false },
        ],
      }
    case 'KEYWORD':
    case 'UNKEYWORD':
      t.space(`flag after ${word}`)
      return { type: 'flag', flag: readFlag(t, `flag after ${word}`), present: word === 'KEYWORD' }
    case 'BODY':
    case 'TEXT':
      t.space(`string after ${word}`)
      return { type: word === 'BODY' ? 'body' : 'text', value: t.astring(`string after ${word}`, 'lenient') }
    case 'HEADER': {
      t.space('header field name after HEADER')
      const field = t.astring('header field name after HEADER')
      if (!FIELD_NAME.test(field)) t.fail(`Invalid header field name "${field}"`)
      t.space('string after HEADER field name')
      return { type: 'header', field, value: t.astring('string after HEADER field name', 'lenient') }
    }
    case 'LARGER':
    case 'SMALLER':
      t.space(`size after ${word}`)
      return {
        type: 'size',
        comparison: word === 'LARGER' ? 'larger' : 'smaller',
        size: t.number(`size after ${word}`, { wide: true }),
      }
    case 'OLDER':
    case 'YOUNGER':
      t.space(`interval after ${word}`)
      return {
        type: 'age',
        comparison: word === 'OLDER' ? 'older' : 'younger',
        seconds: t.number(`interval after ${word}`, { nonZero: true }),
      }
    case 'UID':
      t.space('UID set')
      return { type: 'uid', set: t.sequenceSet('UID set') }
    case 'NOT':
      t.space('search key after NOT')
      return { type: 'not', key: readSearchKey(t, depth + 1) }
    case 'OR': {
      t.space('first search key after OR')
      const left = readSearchKey(t, depth + 1)
      t.space('second search key after OR')
      return { type: 'or', left, right: readSearchKey(t, depth + 1) }
    }
    case 'MODSEQ':
      return readModseq(t)
  }
  t.fail(`Unknown search key ${word}`)
}

/** MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 §3.1.5). */
function readModseq(t: ImapTokenizer): SearchKey {
  t.space('mod-sequence value after MODSEQ')
  let entry: ModseqEntry | null = null
  if (t.peek() === DQUOTE) {
    const name = t.decodeText(t.quoted('MODSEQ entry name'), 'MODSEQ entry name')
    if (!name.toLowerCase().startsWith('/flags/'))
      t.fail(`Invalid MODSEQ entry name "${name}": expected "/flags/<flag>"`)
    t.space('MODSEQ entry type (priv, shared or all)')
    const kind = t.atom('MODSEQ entry type').toLowerCase()
    if (kind !== 'priv' && kind !== 'shared' && kind !== 'all') t.fail(`Invalid MODSEQ entry type "${kind}"`)
    entry = { flag: flagFromEntryName(t, name.slice('/flags/'.length)), kind }
    t.space('mod-sequence value after MODSEQ entry')
  }
  return { type: 'modseq', modseq: t.number('mod-sequence value', { wide: true }), entry }
}

function flagFromEntryName(t: ImapTokenizer, text: string): string {
  // entry-flag-name = DQUOTE "/flags/" attr-flag DQUOTE; attr-flag = "\\" atom / atom
  const name = text.startsWith('\\') ? text.slice(1) : text
  if (name === '' || [...name].some(c => ATOM_CHAR[c.charCodeAt(0)] !== 1)) {
    t.fail(`Invalid flag "${text}" in MODSEQ entry name`)
  }
  return normalizeFlag(text)
}
