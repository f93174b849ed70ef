// DELETE mailbox (RFC 9051 §6.3.5). INBOX cannot be deleted, nor (here) a mailbox with inferiors,
// since storage keeps no \Noselect placeholders: NO [CANNOT]. Sessions that have it selected are
// told with `* BYE` (storage emits 'delete'); this session just leaves the selected state.
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { requireUser } from '../session/session-guards.ts'

export const deleteCommand = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    const box = await ctx.storage.mailboxes.get(user.id, command.mailbox)
    if (box !== null && ctx.selected?.mailboxId === box.id) ctx.deselect()
    await ctx.storage.mailboxes.delete(user.id, command.mailbox)
    return undefined
  },
})
