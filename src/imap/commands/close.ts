// CLOSE (RFC 9051 §6.4.1): leave the selected state; in a read-write session, first remove the
// messages flagged \Deleted — silently: no EXPUNGE responses (the view is dropped first, so the
// storage events never reach this session; other sessions still see them).
import { SELECTED, defineCommand } from '../session/command-context.ts'
import { requireSelected } from '../session/session-guards.ts'

export const closeCommand = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  async run(ctx) {
    const view = requireSelected(ctx)
    ctx.deselect()
    if (!view.readOnly) await ctx.storage.messages.expunge(view.mailboxId)
    return undefined
  },
})
