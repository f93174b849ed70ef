// CHECK (RFC 3501 §6.4.1; gone in RFC 9051): every change is already durable when its command is
// answered (DESIGN.md "Write path"), so it is a NOOP that also reports queued changes.
import { SELECTED, defineCommand } from '../session/command-context.ts'

export const checkCommand = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  run: () => undefined,
})
