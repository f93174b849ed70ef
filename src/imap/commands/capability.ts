// CAPABILITY (RFC 9051 §6.1.1): the list for the current state (session/capabilities.ts).
import { raw } from '../protocol/serializer.ts'
import { ANY_STATE, defineCommand } from '../session/command-context.ts'

export const capabilityCommand = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  run(ctx) {
    ctx.untagged([raw('CAPABILITY'), ...ctx.capabilities().map(c => raw(c))])
    return undefined
  },
})
