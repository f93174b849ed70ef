// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE uid-set (UIDPLUS, RFC 4315 §2.1): remove the messages
// flagged \Deleted (only those in the set for UID EXPUNGE). The `* n EXPUNGE` (or VANISHED) lines
// come from the storage event through the selected mailbox view, like anyone else's expunge, and
// go out before the tagged OK.
import { userError } from '../../core/errors.ts'
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { requireSelected } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'

export const expungeCommand = defineCommand({
  name: 'EXPUNGE',
  states: SELECTED,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    if (view.readOnly) throw userError('Mailbox is read-only (EXAMINE)', { imap: 'CANNOT' })
    if (command.uids === null) {
      await ctx.storage.messages.expunge(view.mailboxId)
      return undefined
    }
    const uids = view.uidsOf(command.uids, true)
    if (uids.length > 0) await ctx.storage.messages.expunge(view.mailboxId, { uids: toUidRanges(uids) })
    return undefined
  },
})
