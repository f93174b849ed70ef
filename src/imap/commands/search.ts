// SEARCH / UID SEARCH [RETURN (MIN MAX ALL COUNT)] [CHARSET c] criteria (RFC 9051 §6.4.4, ESEARCH
// RFC 4731 §3.1, MODSEQ RFC 7162 §3.1.5). Answers:
//
//   * SEARCH 2 3 6 [(MODSEQ 917162500)]                          no RETURN, IMAP4rev1
//   * ESEARCH (TAG "a1") [UID] MIN 2 MAX 6 COUNT 3 ALL 2:3,6     RETURN, or any SEARCH under IMAP4rev2
//
// CHARSET may be US-ASCII or UTF-8 (strings are compared as Unicode text either way); anything
// else is NO [BADCHARSET (US-ASCII UTF-8)] (RFC 9051 §6.4.4). RETURN (SAVE) and `$` need SEARCHRES
// (RFC 5182), which is not offered.
import { syntaxError, userError } from '../../core/errors.ts'
import type { SearchReturnOption } from '../protocol/arguments/search.ts'
import type { SearchKey } from '../protocol/search-keys.ts'
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { type ResponseValue, list, raw, str } from '../protocol/serializer.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { requireSelected } from '../session/session-guards.ts'
import { matchesSearch } from '../search/evaluate-search.ts'
import { loadMessageAnalysis } from './message-content.ts'

const SUPPORTED_CHARSETS = ['US-ASCII', 'UTF-8']

export const searchCommand = defineCommand({
  name: 'SEARCH',
  states: SELECTED,
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    if (command.charset !== null && !SUPPORTED_CHARSETS.includes(command.charset)) {
      throw userError(`Unsupported charset ${command.charset}`, {
        imap: `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`,
      })
    }
    if (command.returnOptions?.includes('SAVE')) {
      throw syntaxError('RETURN (SAVE) is not supported: this server does not offer SEARCHRES')
    }
    if (usesSavedResult(command.criteria)) throw syntaxError('No saved search result ($): SEARCHRES is not supported')
    const wantsModseq = usesModseq(command.criteria)
    if (wantsModseq) ctx.enable('CONDSTORE')

    const records = new Map((await ctx.storage.messages.list(view.mailboxId)).map(r => [r.uid, r]))
    const uids = [...view.allUids]
    const scope = { messageCount: uids.length, lastUid: view.lastUid, now: Date.now() }
    const matches: Array<{ seq: number; uid: number; modseq: number }> = []
    for (let i = 0; i < uids.length; i++) {
      const uid = uids[i] as number
      const record = records.get(uid)
      if (record === undefined || view.isExpungePending(uid)) continue
      const candidate = {
        seq: i + 1,
        record,
        recent: view.isRecent(uid),
        load: async () => {
          const loaded = await loadMessageAnalysis(ctx.storage, record, { needBytes: true })
          return loaded?.bytes ? { bytes: loaded.bytes, analysis: loaded.analysis } : null
        },
      }
      if (await matchesSearch(command.criteria, candidate, scope)) {
        matches.push({ seq: i + 1, uid, modseq: record.modseq })
      }
    }
    const numbers = matches.map(m => (command.uid ? m.uid : m.seq))
    const highestModseq = wantsModseq && matches.length > 0 ? Math.max(...matches.map(m => m.modseq)) : null
    const options = command.returnOptions ?? (ctx.enabled.imap4rev2 ? ['ALL'] : null)
    if (options === null) {
      const values: ResponseValue[] = [raw('SEARCH'), ...numbers.map(n => raw(n))]
      if (highestModseq !== null) values.push(list([raw('MODSEQ'), raw(highestModseq)]))
      ctx.untagged(values)
    } else {
      ctx.untagged(esearchResponse(command.tag, command.uid, options, numbers, highestModseq))
    }
    return undefined
  },
})

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

function someKey(key: SearchKey, test: (k: SearchKey) => boolean): boolean {
  if (test(key)) return true
  switch (key.type) {
    case 'and':
      return key.keys.some(k => someKey(k, test))
    case 'or':
      return someKey(key.left, test) || someKey(key.right, test)
    case 'not':
      return someKey(key.key, test)
    default:
      return false
  }
}

const usesModseq = (key: SearchKey) => someKey(key, k => k.type === 'modseq')
const usesSavedResult = (key: SearchKey) =>
  someKey(key, k => (k.type === 'sequence' || k.type === 'uid') && k.set.kind === 'saved')
