// LSUB reference pattern (RFC 3501 §6.3.9; replaced by LIST (SUBSCRIBED) in RFC 9051 but still sent
// by IMAP4rev1 clients): the subscribed mailboxes that match.
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { compileListPattern, joinReference } from '../session/list-pattern.ts'
import { requireUser } from '../session/session-guards.ts'
import { listLine, referenceRoot } from './list.ts'

export const lsubCommand = defineCommand({
  name: 'LSUB',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    if (command.pattern === '') {
      ctx.untagged(listLine(ctx, 'LSUB', ['\\Noselect'], referenceRoot(command.reference)))
      return undefined
    }
    const match = compileListPattern(joinReference(command.reference, command.pattern))
    for (const box of await ctx.storage.mailboxes.list(user.id)) {
      if (box.subscribed && match(box.name)) ctx.untagged(listLine(ctx, 'LSUB', [], box.name))
    }
    return undefined
  },
})
