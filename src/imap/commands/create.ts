// CREATE mailbox [(USE (\Sent))] (RFC 9051 §6.3.4; CREATE-SPECIAL-USE RFC 6154 §3). Missing
// superior levels are created too (storage). Refusals: ALREADYEXISTS (INBOX included), USEATTR for
// a special use this server does not support or more than one (storage keeps one per mailbox),
// CANNOT for names it cannot store ("*", "%", empty levels).
import { userError } from '../../core/errors.ts'
import { SPECIAL_USE_ATTRIBUTES } from '../protocol/arguments/create.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { withoutTrailingDelimiter } from '../session/mailbox-names.ts'
import { requireUser } from '../session/session-guards.ts'

export const createCommand = defineCommand({
  name: 'CREATE',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    const name = withoutTrailingDelimiter(command.mailbox)
    if (command.specialUse.length > 1) {
      throw userError('Only one special-use attribute per mailbox is supported', { imap: 'USEATTR' })
    }
    const specialUse = command.specialUse[0] ?? null
    if (specialUse !== null && !(SPECIAL_USE_ATTRIBUTES as readonly string[]).includes(specialUse)) {
      throw userError(`Special-use attribute ${specialUse} is not supported`, { imap: 'USEATTR' })
    }
    await ctx.storage.mailboxes.create(user.id, name, { specialUse })
    return undefined
  },
})
