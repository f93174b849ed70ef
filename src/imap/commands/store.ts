// STORE / UID STORE sequence-set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags (RFC 9051
// §6.4.6; CONDSTORE RFC 7162 §3.1.3). Without .SILENT every message of the set is answered with
// its flags (`* 3 FETCH (UID 7 FLAGS (...) [MODSEQ (n)])`). Messages whose MODSEQ is above
// UNCHANGEDSINCE are left alone and listed in the tagged `OK [MODIFIED set]` (RFC 7162 §3.1.3).
// With .SILENT a CONDSTORE client still hears the new MODSEQ of each changed message, since it
// cannot otherwise keep its cache in step (RFC 7162 §3.1.3, example 8).
import { userError } from '../../core/errors.ts'
import { splitFlagList } from '../../storage/index.ts'
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { list, raw } from '../protocol/serializer.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { flagsFetchItems } from '../session/mailbox-update-responses.ts'
import { requireSelected } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'

export const storeCommand = defineCommand({
  name: 'STORE',
  states: SELECTED,
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    if (view.readOnly) throw userError('Mailbox is read-only (EXAMINE)', { imap: 'CANNOT' })
    if (command.unchangedSince !== null) ctx.enable('CONDSTORE')
    const { flags, keywords } = splitFlagList(command.flags)
    const uids = view.uidsOf(command.sequenceSet, command.uid)
    if (uids.length === 0) return undefined
    const ranges = toUidRanges(uids)
    const result = await ctx.storage.messages.setFlags(
      view.mailboxId,
      ranges,
      { mode: command.operation, flags, keywords },
      command.unchangedSince === null ? {} : { unchangedSince: command.unchangedSince },
    )
    for (const record of result.changed) view.acknowledgeFlags(record.uid, record.modseq)
    const modified = new Set(result.modified)
    if (!command.silent) {
      const records = await ctx.storage.messages.list(view.mailboxId, { uids: ranges })
      for (const record of records) {
        const seq = view.seqOf(record.uid)
        if (seq === undefined || modified.has(record.uid) || view.isExpungePending(record.uid)) continue
        ctx.untagged([raw(seq), raw('FETCH'), flagsFetchItems(record, view, ctx.enabled)])
      }
    } else if (ctx.enabled.condstore) {
      for (const record of result.changed) {
        const seq = view.seqOf(record.uid)
        if (seq === undefined) continue
        ctx.untagged([
          raw(seq),
          raw('FETCH'),
          list([raw('UID'), raw(record.uid), raw('MODSEQ'), list([raw(record.modseq)])]),
        ])
      }
    }
    if (modified.size === 0) return undefined
    const numbers = command.uid
      ? [...modified]
      : [...modified].map(uid => view.seqOf(uid)).filter((n): n is number => n !== undefined)
    return {
      code: `MODIFIED ${formatNumbersAsSequenceSet(numbers)}`,
      text: 'Conditional STORE failed for some messages',
    }
  },
})
