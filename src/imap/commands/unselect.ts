// UNSELECT (RFC 3691, RFC 9051 §6.4.2): leave the selected state without expunging anything.
import { SELECTED, defineCommand } from '../session/command-context.ts'

export const unselectCommand = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  run(ctx) {
    ctx.deselect()
    return undefined
  },
})
