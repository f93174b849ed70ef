// STATUS mailbox (items) (RFC 9051 §6.3.11): counts without selecting (session/mailbox-status.ts).
import { userError } from '../../core/errors.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { statusResponse } from '../session/mailbox-status.ts'
import { requireUser } from '../session/session-guards.ts'

export const statusCommand = defineCommand({
  name: 'STATUS',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const box = await ctx.storage.mailboxes.get(requireUser(ctx).id, command.mailbox)
    if (box === null) throw userError(`Mailbox ${command.mailbox} does not exist`, { imap: 'NONEXISTENT' })
    ctx.untagged(await statusResponse(ctx, box, command.items))
    return undefined
  },
})
