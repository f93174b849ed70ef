// APPEND mailbox [(flags)] [date-time] literal ... (RFC 9051 §6.3.12; several messages in one
// command: MULTIAPPEND, RFC 3502). Each message is stored durably before the OK (storage write
// path). The OK carries APPENDUID uidvalidity uid-set (UIDPLUS, RFC 4315 §3).
//
//   missing mailbox   NO [TRYCREATE] (RFC 9051 §6.3.12)      from storage
//   over quota        NO [OVERQUOTA] (RFC 9208 §4.3)         from storage
//   literal too large NO [TOOBIG] before the `+` (RFC 7889)  from the receiver (imap.maxLiteralSize)
//   bad keyword       BAD                                     from splitFlagList
//
// RFC 3502 §6.3.11: MULTIAPPEND is all or nothing, so messages stored before a failure are
// removed again.
import { userError } from '../../core/errors.ts'
import { splitFlagList } from '../../storage/index.ts'
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { AUTHENTICATED, type CommandContext, defineCommand } from '../session/command-context.ts'
import { requireUser } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'

export const appendCommand = defineCommand({
  name: 'APPEND',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    // Validate every message before storing any.
    const messages = command.messages.map(message => {
      if (message.data.length === 0) throw userError('Refusing to store an empty message', { imap: 'CANNOT' })
      return { ...splitFlagList(message.flags), data: message.data, internalDate: message.internalDate }
    })
    const stored: Array<{ mailboxId: number; uid: number; uidValidity: number }> = []
    try {
      for (const message of messages) {
        const result = await ctx.storage.messages.append({
          accountId: user.id,
          mailbox: command.mailbox,
          content: message.data,
          flags: message.flags,
          keywords: message.keywords,
          internalDate: message.internalDate?.date.getTime(),
        })
        stored.push(result)
      }
    } catch (error) {
      await removeStored(ctx, stored)
      throw error
    }
    const first = stored[0]
    if (first === undefined) return undefined
    const uids = formatNumbersAsSequenceSet(stored.map(s => s.uid))
    return { code: `APPENDUID ${first.uidValidity} ${uids}`, text: 'APPEND completed' }
  },
})

async function removeStored(ctx: CommandContext, stored: ReadonlyArray<{ mailboxId: number; uid: number }>) {
  const first = stored[0]
  if (first === undefined) return
  const uids = toUidRanges(stored.map(s => s.uid))
  try {
    await ctx.storage.messages.setFlags(first.mailboxId, uids, { mode: 'add', flags: ['\\Deleted'] })
    await ctx.storage.messages.expunge(first.mailboxId, { uids })
  } catch (error) {
    ctx.logger.error('could not undo a partial MULTIAPPEND', { mailboxId: first.mailboxId, error })
  }
}
