// SUBSCRIBE mailbox (RFC 9051 §6.3.7). Subscriptions are a property of existing mailboxes here, so
// subscribing to one that does not exist is NO [NONEXISTENT] (RFC 9051 allows refusing it).
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { requireUser } from '../session/session-guards.ts'

export const subscribeCommand = defineCommand({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  async run(ctx, command) {
    await ctx.storage.mailboxes.setSubscribed(requireUser(ctx).id, command.mailbox, true)
    return undefined
  },
})
