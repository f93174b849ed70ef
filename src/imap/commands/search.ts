// SEARCH / UID SEARCH [RETURN (MIN MAX ALL COUNT SAVE)] [CHARSET c] criteria (RFC 9051 §6.4.4,
// ESEARCH RFC 4731 §3.1, SEARCHRES RFC 5182, MODSEQ RFC 7162 §3.1.5). Answers:
//
//   * SEARCH 2 3 6 [(MODSEQ 917162500)]                          no RETURN, IMAP4rev1
//   * ESEARCH (TAG "a1") [UID] MIN 2 MAX 6 COUNT 3 ALL 2:3,6     RETURN, or any SEARCH under IMAP4rev2
//   (nothing)                                                    RETURN (SAVE) alone (RFC 5182 §2.4)
//
// CHARSET may be US-ASCII or UTF-8 (strings are compared as Unicode text either way); anything
// else is NO [BADCHARSET (US-ASCII UTF-8)] (RFC 9051 §6.4.4). RETURN (SAVE) keeps the result for
// `$` (selected-mailbox.ts); a SEARCH with SAVE that fails leaves `$` empty (RFC 5182 §2.1).
import type { SearchReturnOption } from '../protocol/arguments/search.ts'
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { type ResponseValue, list, raw, str } from '../protocol/serializer.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { requireSelected } from '../session/session-guards.ts'
import { type SearchMatch, checkSearchCharset, runSearch, usesModseq } from '../search/run-search.ts'

export const searchCommand = defineCommand({
  name: 'SEARCH',
  states: SELECTED,
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    const save = command.returnOptions?.includes('SAVE') ?? false
    let matches: SearchMatch[]
    try {
      checkSearchCharset(command.charset)
      matches = await runSearch(ctx, view, command.criteria)
    } catch (error) {
      if (save) view.saveResult([])
      throw error
    }
    const wantsModseq = usesModseq(command.criteria)
    if (wantsModseq) ctx.enable('CONDSTORE')
    const numbers = matches.map(m => (command.uid ? m.uid : m.seq))
    const highestModseq = wantsModseq ? highestModseqOf(matches) : null
    if (save) view.saveResult(savedSelection(matches, command.returnOptions ?? []).map(m => m.uid))
    const options = command.returnOptions?.filter(o => o !== 'SAVE') ?? (ctx.enabled.imap4rev2 ? ['ALL'] : null)
    if (options === null) {
      ctx.untagged(numbersResponse('SEARCH', numbers, highestModseq))
    } else if (options.length > 0) {
      ctx.untagged(esearchResponse(command.tag, command.uid, options, numbers, highestModseq))
    }
    return undefined
  },
})

/** RFC 7162 §3.1.5: the highest MODSEQ of the matched messages; null when nothing matched. */
export function highestModseqOf(matches: readonly SearchMatch[]): number | null {
  return matches.length > 0 ? matches.reduce((n, m) => Math.max(n, m.record.modseq), 0) : null
}

/** `* SEARCH 2 3 6` / `* SORT 5 3 4` with the optional `(MODSEQ n)` of RFC 7162 §3.1.5. */
export function numbersResponse(
  keyword: 'SEARCH' | 'SORT',
  numbers: readonly number[],
  highestModseq: number | null,
): ResponseValue[] {
  const values: ResponseValue[] = [raw(keyword), ...numbers.map(n => raw(n))]
  if (highestModseq !== null) values.push(list([raw('MODSEQ'), raw(highestModseq)]))
  return values
}

/**
 * RFC 5182 §2.4: SAVE with MIN and/or MAX (and neither ALL nor COUNT) saves only those messages;
 * otherwise it saves every match. `matches` is in sequence order, so MIN is first and MAX last.
 */
export function savedSelection<T>(matches: readonly T[], options: readonly SearchReturnOption[]): T[] {
  const min = options.includes('MIN')
  const max = options.includes('MAX')
  if ((!min && !max) || options.includes('ALL') || options.includes('COUNT')) return [...matches]
  const picked = new Set<T>()
  const first = matches[0]
  const last = matches[matches.length - 1]
  if (min && first !== undefined) picked.add(first)
  if (max && last !== undefined) picked.add(last)
  return [...picked]
}

/** `ESEARCH (TAG "a1") UID MIN 2 MAX 6 COUNT 3 ALL 2:3,6 MODSEQ 9` (RFC 4731 §3.1, RFC 7162 §3.1.5). */
export function esearchResponse(
  tag: string,
  uid: boolean,
  options: readonly SearchReturnOption[],
  numbers: readonly number[],
  highestModseq: number | null,
): ResponseValue[] {
  const values: ResponseValue[] = [raw('ESEARCH'), list([raw('TAG'), str(tag)])]
  if (uid) values.push(raw('UID'))
  const sorted = [...numbers].sort((a, b) => a - b)
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  if (options.includes('MIN') && first !== undefined) values.push(raw('MIN'), raw(first))
  if (options.includes('MAX') && last !== undefined) values.push(raw('MAX'), raw(last))
  if (options.includes('COUNT')) values.push(raw('COUNT'), raw(sorted.length))
  if (options.includes('ALL') && sorted.length > 0) values.push(raw('ALL'), raw(formatNumbersAsSequenceSet(sorted)))
  if (highestModseq !== null) values.push(raw('MODSEQ'), raw(highestModseq))
  return values
}
