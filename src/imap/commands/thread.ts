// THREAD / UID THREAD algorithm charset search-criteria (RFC 5256 §3): the messages SEARCH would
// find, grouped into threads by ORDEREDSUBJECT or REFERENCES (sort/thread-*.ts):
//
//   * THREAD (2)(3 6 (4 23)(44 7 96))
//
// An algorithm the server does not offer is a BAD (it is not in the capability list); charsets as
// for SORT.
import { syntaxError } from '../../core/errors.ts'
import { raw } from '../protocol/serializer.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { MessageLoader } from '../session/message-loader.ts'
import { requireSelected } from '../session/session-guards.ts'
import { checkSearchCharset, runSearch } from '../search/run-search.ts'
import { sortableMatches } from '../search/sortable-matches.ts'
import { threadByOrderedSubject } from '../sort/thread-ordered-subject.ts'
import { threadByReferences } from '../sort/thread-references.ts'
import { formatThreads } from '../sort/thread-tree.ts'

/** The THREAD= capabilities (session/capabilities.ts) and their implementations. */
export const THREAD_ALGORITHMS = {
  ORDEREDSUBJECT: threadByOrderedSubject,
  REFERENCES: threadByReferences,
} as const

export const threadCommand = defineCommand({
  name: 'THREAD',
  states: SELECTED,
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    const algorithm = THREAD_ALGORITHMS[command.algorithm as keyof typeof THREAD_ALGORITHMS]
    if (algorithm === undefined) {
      throw syntaxError(`Unknown threading algorithm ${command.algorithm} (use REFERENCES or ORDEREDSUBJECT)`)
    }
    checkSearchCharset(command.charset)
    const loader = new MessageLoader(ctx.storage, view.mailboxId)
    const matches = await runSearch(ctx, view, command.criteria, loader)
    const threads = algorithm(await sortableMatches(loader, matches))
    const text = formatThreads(threads, command.uid)
    ctx.untagged(text === '' ? [raw('THREAD')] : [raw('THREAD'), raw(text)])
    return undefined
  },
})
