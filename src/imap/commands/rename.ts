// RENAME from to (RFC 9051 §6.3.6). Inferiors move with the mailbox; renaming INBOX moves its
// messages into a new mailbox and leaves INBOX empty (RFC 3501 §6.3.5) — storage does both, and its
// events tell sessions that have INBOX selected about the expunges.
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { withoutTrailingDelimiter } from '../session/mailbox-names.ts'
import { requireUser } from '../session/session-guards.ts'

export const renameCommand = defineCommand({
  name: 'RENAME',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    await ctx.storage.mailboxes.rename(user.id, command.from, withoutTrailingDelimiter(command.to))
    return undefined
  },
})
