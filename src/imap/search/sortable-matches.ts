// SEARCH matches as SORT/THREAD input (sort/sortable-message.ts): the index row's numbers plus the
// ENVELOPE and References from the cached analysis (the file is read only for a message not yet
// analysed). A message whose file is gone has nothing to sort by and is left out, as FETCH leaves
// it out.
import { SortableMessage } from '../sort/sortable-message.ts'
import type { MessageLoader } from '../session/message-loader.ts'
import type { SearchMatch } from './run-search.ts'

export async function sortableMatches(
  loader: MessageLoader,
  matches: readonly SearchMatch[],
): Promise<SortableMessage[]> {
  const out: SortableMessage[] = []
  for (const match of matches) {
    const loaded = await loader.load(match.record, { needBytes: false })
    if (loaded === null) continue
    out.push(
      new SortableMessage({
        seq: match.seq,
        uid: match.uid,
        internalDate: match.record.internalDate,
        size: loaded.analysis.size,
        envelope: loaded.analysis.envelope,
        references: loaded.analysis.references,
      }),
    )
  }
  return out
}
