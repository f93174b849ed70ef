// The messages of the selected mailbox that match SEARCH criteria (RFC 9051 §6.4.4), shared by
// SEARCH, SORT and THREAD (RFC 5256 §3: "the searching criteria are the same as SEARCH"). Flags,
// numbers and dates come from one index read; message content is read only when a key needs it,
// through one MessageLoader for the whole command.
import { userError } from '../../core/errors.ts'
import type { MessageRecord } from '../../storage/index.ts'
import { MessageLoader } from '../session/message-loader.ts'
import type { SearchKey } from '../protocol/search-keys.ts'
import type { CommandContext } from '../session/command-context.ts'
import type { SelectedMailbox } from '../session/selected-mailbox.ts'
import { matchesSearch } from './evaluate-search.ts'

export interface SearchMatch {
  /** Message sequence number in this session's view. */
  seq: number
  uid: number
  record: MessageRecord
}

/** RFC 9051 §6.4.4: strings compare as Unicode text either way, so both are accepted. */
export const SUPPORTED_CHARSETS = ['US-ASCII', 'UTF-8'] as const

/** NO [BADCHARSET (US-ASCII UTF-8)] for any other charset (RFC 9051 §6.4.4, RFC 5256 §3). */
export function checkSearchCharset(charset: string | null): void {
  if (charset === null || (SUPPORTED_CHARSETS as readonly string[]).includes(charset)) return
  throw userError(`Unsupported charset ${charset}`, { imap: `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})` })
}

/** The matching messages in sequence order. The loader is returned for callers that read content next. */
export async function runSearch(
  ctx: Pick<CommandContext, 'storage' | 'pace'>,
  view: SelectedMailbox,
  criteria: SearchKey,
  loader: MessageLoader = new MessageLoader(ctx.storage, view.mailboxId),
): Promise<SearchMatch[]> {
  const records = new Map((await ctx.storage.messages.list(view.mailboxId)).map(r => [r.uid, r]))
  const uids = view.allUids
  const scope = {
    messageCount: uids.length,
    lastUid: view.lastUid,
    now: Date.now(),
    saved: new Set(view.savedUids()),
  }
  const matches: SearchMatch[] = []
  for (let i = 0; i < uids.length; i++) {
    const uid = uids[i] as number
    const record = records.get(uid)
    // Expunged by another session and not yet reported: the message is gone (RFC 9051 §7.5.1).
    if (record === undefined || view.isExpungePending(uid)) continue
    const candidate = {
      seq: i + 1,
      record,
      recent: view.isRecent(uid),
      load: async () => {
        const loaded = await loader.load(record, { needBytes: true })
        return loaded?.bytes ? { bytes: loaded.bytes, analysis: loaded.analysis } : null
      },
    }
    if (await matchesSearch(criteria, candidate, scope)) matches.push({ seq: i + 1, uid, record })
    // Small messages are read synchronously (session/read-small-file.ts): a search through a big
    // mailbox gives the other connections turns, and stops when its own connection is gone.
    const paused = ctx.pace()
    if (paused !== null && !(await paused)) break
  }
  return matches
}

/** Whether any key in the tree passes `test` (e.g. uses MODSEQ, RFC 7162 §3.1.5). */
export function someSearchKey(key: SearchKey, test: (k: SearchKey) => boolean): boolean {
  if (test(key)) return true
  switch (key.type) {
    case 'and':
      return key.keys.some(k => someSearchKey(k, test))
    case 'or':
      return someSearchKey(key.left, test) || someSearchKey(key.right, test)
    case 'not':
      return someSearchKey(key.key, test)
    default:
      return false
  }
}

export const usesModseq = (key: SearchKey): boolean => someSearchKey(key, k => k.type === 'modseq')
