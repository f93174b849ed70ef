// UNSUBSCRIBE mailbox (RFC 9051 §6.3.8).
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { requireUser } from '../session/session-guards.ts'

export const unsubscribeCommand = defineCommand({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  async run(ctx, command) {
    await ctx.storage.mailboxes.setSubscribed(requireUser(ctx).id, command.mailbox, false)
    return undefined
  },
})
