// SEARCH [RETURN (opts)] [CHARSET charset] criteria, and UID SEARCH (RFC 9051 §6.4.4; ESEARCH
// return options RFC 4731 §3.1; SAVE RFC 5182 §2.2).
import { type SearchKey, readSearchCriteria } from '../search-keys.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export const SEARCH_RETURN_OPTIONS = ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'] as const
export type SearchReturnOption = (typeof SEARCH_RETURN_OPTIONS)[number]

export interface SearchCommand {
  name: 'SEARCH'
  uid: boolean
  /** Upper-cased CHARSET, or null (US-ASCII, or UTF-8 under IMAP4rev2). */
  charset: string | null
  /** null: no RETURN, answer with `* SEARCH`; otherwise answer with `* ESEARCH` (RFC 4731 §3.1). */
  returnOptions: SearchReturnOption[] | null
  criteria: SearchKey
}

/** RETURN "(" [option *(SP option)] ")"; `RETURN ()` means ALL (RFC 4731 §3.1). */
export function readSearchReturnOptions(t: ImapTokenizer): SearchReturnOption[] {
  const options = t.list(
    'search return options',
    () => {
      const option = t.atomUpper('search return option')
      if (!(SEARCH_RETURN_OPTIONS as readonly string[]).includes(option))
        t.fail(`Unknown search return option ${option}`)
      return option as SearchReturnOption
    },
    { allowEmpty: true },
  )
  return options.length === 0 ? ['ALL'] : [...new Set(options)]
}

/** The optional `RETURN (...)` prefix; null when absent. The SP after it is consumed. */
export function readOptionalReturn(t: ImapTokenizer, next: string): SearchReturnOption[] | null {
  if (!t.consumeKeyword('RETURN')) return null
  t.space('search return options')
  const options = readSearchReturnOptions(t)
  t.space(next)
  return options
}

export function parseSearch(t: ImapTokenizer, uid: boolean): SearchCommand {
  t.space('search criteria')
  const returnOptions = readOptionalReturn(t, 'search criteria')
  let charset: string | null = null
  if (t.consumeKeyword('CHARSET')) {
    t.space('charset name')
    charset = t.astring('charset name').toUpperCase()
    t.space('search criteria')
  }
  return { name: 'SEARCH', uid, charset, returnOptions, criteria: readSearchCriteria(t) }
}
