// LOGOUT (RFC 9051 §6.1.3): `* BYE`, the tagged OK, then the server closes the connection.
import { ANY_STATE, defineCommand } from '../session/command-context.ts'

export const logoutCommand = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  run(ctx) {
    ctx.untaggedStatus('BYE', 'Logging out')
    ctx.logout()
    return undefined
  },
})
