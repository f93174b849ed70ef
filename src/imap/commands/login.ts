// LOGIN user password (RFC 9051 §6.2.3). Refused before TLS (LOGINDISABLED is advertised then)
// unless imap.allowInsecureAuth; the password check and throttling are shared with AUTHENTICATE.
import { NOT_AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { completeLogin, ensureLoginAllowed } from '../session/complete-login.ts'

export const loginCommand = defineCommand({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  run(ctx, command) {
    ensureLoginAllowed(ctx)
    return completeLogin(ctx, { authorizationId: '', username: command.username, password: command.password })
  },
})
