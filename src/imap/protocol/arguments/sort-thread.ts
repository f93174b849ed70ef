// SORT (sort-criteria) charset criteria and THREAD algorithm charset criteria, with UID forms
// (RFC 5256 §3; ESORT's RETURN options RFC 5267 §3.2; DISPLAYFROM/DISPLAYTO RFC 5957).
import { type SearchKey, readSearchCriteria } from '../search-keys.ts'
import type { ImapTokenizer } from '../tokenizer.ts'
import { type SearchReturnOption, readOptionalReturn } from './search.ts'

export const SORT_KEYS = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'] as const
export type SortKey = (typeof SORT_KEYS)[number]

export interface SortCriterion {
  key: SortKey
  reverse: boolean
}

export interface SortCommand {
  name: 'SORT'
  uid: boolean
  /** ESORT (RFC 5267): null answers with `* SORT`, otherwise `* ESEARCH`. */
  returnOptions: SearchReturnOption[] | null
  sortCriteria: SortCriterion[]
  charset: string
  criteria: SearchKey
}

export interface ThreadCommand {
  name: 'THREAD'
  uid: boolean
  /** Upper-cased, e.g. ORDEREDSUBJECT, REFERENCES. */
  algorithm: string
  charset: string
  criteria: SearchKey
}

export function parseSort(t: ImapTokenizer, uid: boolean): SortCommand {
  t.space('sort criteria')
  const returnOptions = readOptionalReturn(t, 'sort criteria')
  const sortCriteria = t.list('sort criteria', () => {
    const reverse = t.consumeKeyword('REVERSE')
    if (reverse) t.space('sort key after REVERSE')
    const key = t.atomUpper('sort key')
    if (!(SORT_KEYS as readonly string[]).includes(key)) t.fail(`Unknown sort key ${key}`)
    return { key: key as SortKey, reverse }
  })
  t.space('charset name')
  const charset = t.astring('charset name').toUpperCase()
  t.space('search criteria')
  return { name: 'SORT', uid, returnOptions, sortCriteria, charset, criteria: readSearchCriteria(t) }
}

export function parseThread(t: ImapTokenizer, uid: boolean): ThreadCommand {
  t.space('thread algorithm')
  const algorithm = t.atomUpper('thread algorithm')
  t.space('charset name')
  const charset = t.astring('charset name').toUpperCase()
  t.space('search criteria')
  return { name: 'THREAD', uid, algorithm, charset, criteria: readSearchCriteria(t) }
}
