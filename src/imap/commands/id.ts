// ID (RFC 2971): note what the client says about itself (handy when debugging a client) and name
// this server. No version: it only helps an attacker pick an exploit.
import { list, raw, str } from '../protocol/serializer.ts'
import { ANY_STATE, defineCommand } from '../session/command-context.ts'

/** RFC 2971 §3.3: at most 30 pairs, fields up to 30 octets and values up to 1024. */
const MAX_PAIRS = 30

export const idCommand = defineCommand({
  name: 'ID',
  states: ANY_STATE,
  run(ctx, command) {
    if (command.parameters !== null) {
      const client = Object.fromEntries(
        command.parameters
          .slice(0, MAX_PAIRS)
          .map(([field, value]) => [field.slice(0, 30), value?.slice(0, 1024) ?? null]),
      )
      ctx.logger.debug('client id', { client })
    }
    ctx.untagged([raw('ID'), list([str('name'), str('mail-server'), str('vendor'), str('mail-server')])])
    return undefined
  },
})
