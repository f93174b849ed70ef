// NOOP (RFC 9051 §6.1.2): does nothing itself; the session sends the selected mailbox's queued
// changes (EXISTS, EXPUNGE, FETCH FLAGS) before the OK, which is what clients poll it for.
import { ANY_STATE, defineCommand } from '../session/command-context.ts'

export const noopCommand = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  run: () => undefined,
})
