// For handlers whose `states` already guarantee a user or a selected mailbox: the session checked
// the state before run(), so reaching the throw is a bug in the state table.
import { internalError } from '../../core/errors.ts'
import type { AuthenticatedUser, CommandContext } from './command-context.ts'
import type { SelectedMailbox } from './selected-mailbox.ts'

export function requireUser(ctx: Pick<CommandContext, 'user'>): AuthenticatedUser {
  if (ctx.user === null) throw internalError('command ran without a logged-in user')
  return ctx.user
}

export function requireSelected(ctx: Pick<CommandContext, 'selected'>): SelectedMailbox {
  if (ctx.selected === null) throw internalError('command ran without a selected mailbox')
  return ctx.selected
}
