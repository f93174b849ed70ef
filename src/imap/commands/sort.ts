// SORT / UID SORT [RETURN (...)] (criteria) charset search-criteria (RFC 5256 §3; ESORT RFC 5267
// §3.2; DISPLAYFROM/DISPLAYTO RFC 5957; SAVE RFC 5182 §2.4). The messages SEARCH would find, in
// the order of the sort keys (sort/sort-messages.ts):
//
//   * SORT 5 3 4 1 2 [(MODSEQ 917162500)]                      no RETURN
//   * ESEARCH (TAG "a1") UID MIN 5 MAX 2 COUNT 5 ALL 5,3:4,1:2 RETURN (ESORT): MIN/MAX are the first
//                                                               and last in sort order, ALL keeps it
//
// The charset is required; US-ASCII and UTF-8 are accepted, anything else is NO [BADCHARSET].
import type { SearchReturnOption } from '../protocol/arguments/search.ts'
import { type ResponseValue, list, raw, str } from '../protocol/serializer.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { MessageLoader } from '../session/message-loader.ts'
import { requireSelected } from '../session/session-guards.ts'
import { type SearchMatch, checkSearchCharset, runSearch, usesModseq } from '../search/run-search.ts'
import { sortableMatches } from '../search/sortable-matches.ts'
import { sortMessages } from '../sort/sort-messages.ts'
import { highestModseqOf, numbersResponse, savedSelection } from './search.ts'

export const sortCommand = defineCommand({
  name: 'SORT',
  states: SELECTED,
  // As SEARCH: message numbers must stay valid (RFC 9051 §7.5.1).
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    const save = command.returnOptions?.includes('SAVE') ?? false
    const loader = new MessageLoader(ctx.storage, view.mailboxId)
    let matches: SearchMatch[]
    try {
      checkSearchCharset(command.charset)
      matches = await runSearch(ctx, view, command.criteria, loader)
    } catch (error) {
      if (save) view.saveResult([])
      throw error
    }
    const wantsModseq = usesModseq(command.criteria)
    if (wantsModseq) ctx.enable('CONDSTORE')
    const sorted = sortMessages(await sortableMatches(loader, matches), command.sortCriteria)
    const numbers = sorted.map(m => (command.uid ? m.uid : m.seq))
    // RFC 7162 §3.1.5: SORT with a MODSEQ criterion reports the highest MODSEQ like SEARCH (the
    // sorted messages are the matches reordered, so their highest MODSEQ is the matches').
    const highestModseq = wantsModseq ? highestModseqOf(matches) : null
    if (save) view.saveResult(savedSelection(sorted, command.returnOptions ?? []).map(m => m.uid))
    const options = command.returnOptions?.filter(o => o !== 'SAVE') ?? null
    if (options === null) {
      ctx.untagged(numbersResponse('SORT', numbers, highestModseq))
    } else if (options.length > 0) {
      ctx.untagged(esortResponse(command.tag, command.uid, options, numbers, highestModseq))
    }
    return undefined
  },
})

/** RFC 5267 §3.2: as ESEARCH, but MIN/MAX/ALL follow the sort order, not the numbers' order. */
export function esortResponse(
  tag: string,
  uid: boolean,
  options: readonly SearchReturnOption[],
  numbers: readonly number[],
  highestModseq: number | null,
): ResponseValue[] {
  const values: ResponseValue[] = [raw('ESEARCH'), list([raw('TAG'), str(tag)])]
  if (uid) values.push(raw('UID'))
  const first = numbers[0]
  const last = numbers[numbers.length - 1]
  if (options.includes('MIN') && first !== undefined) values.push(raw('MIN'), raw(first))
  if (options.includes('MAX') && last !== undefined) values.push(raw('MAX'), raw(last))
  if (options.includes('COUNT')) values.push(raw('COUNT'), raw(numbers.length))
  if (options.includes('ALL') && numbers.length > 0) values.push(raw('ALL'), raw(formatOrderedSet(numbers)))
  if (highestModseq !== null) values.push(raw('MODSEQ'), raw(highestModseq))
  return values
}

/** A sequence-set that keeps the given order: ascending runs become `a:b` (RFC 5267 §3.2). */
export function formatOrderedSet(numbers: readonly number[]): string {
  const parts: string[] = []
  let i = 0
  while (i < numbers.length) {
    const start = numbers[i] as number
    let end = start
    while (i + 1 < numbers.length && numbers[i + 1] === end + 1) end = numbers[++i] as number
    parts.push(start === end ? `${start}` : `${start}:${end}`)
    i++
  }
  return parts.join(',')
}
