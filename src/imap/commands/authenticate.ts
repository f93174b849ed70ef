// AUTHENTICATE mechanism [initial-response] (RFC 9051 §6.2.2; SASL-IR RFC 4959). Each challenge is
// a continuation `+ <base64>`; the client answers with one base64 line, or "*" to cancel (tagged
// BAD). PLAIN (RFC 4616) takes one message; LOGIN asks for the user name, then the password.
import { syntaxError, userError } from '../../core/errors.ts'
import { parseSaslResponse } from '../protocol/client-lines.ts'
import { saslChallenge } from '../protocol/serializer.ts'
import { AUTH_MECHANISMS } from '../session/capabilities.ts'
import { type CommandContext, NOT_AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { completeLogin, ensureLoginAllowed } from '../session/complete-login.ts'
import {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  type SaslCredentials,
  parsePlainMessage,
  saslText,
} from '../session/sasl-credentials.ts'

const EMPTY = new Uint8Array(0)

export const authenticateCommand = defineCommand({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  async run(ctx, command) {
    if (!(AUTH_MECHANISMS as readonly string[]).includes(command.mechanism)) {
      throw userError(`Unsupported authentication mechanism ${command.mechanism}`, { imap: 'CANNOT' })
    }
    ensureLoginAllowed(ctx)
    const respond = (challenge: Uint8Array) => readResponse(ctx, command.tag, challenge)
    let credentials: SaslCredentials
    if (command.mechanism === 'PLAIN') {
      credentials = parsePlainMessage(command.initialResponse ?? (await respond(EMPTY)))
    } else {
      const username = saslText(command.initialResponse ?? (await respond(LOGIN_USERNAME_CHALLENGE)))
      const password = saslText(await respond(LOGIN_PASSWORD_CHALLENGE))
      credentials = { authorizationId: '', username, password }
    }
    return completeLogin(ctx, credentials)
  },
})

async function readResponse(ctx: CommandContext, tag: string, challenge: Uint8Array): Promise<Uint8Array> {
  const response = parseSaslResponse(await ctx.requestLine(saslChallenge(challenge)), tag)
  if (response.cancelled) throw syntaxError('Authentication cancelled')
  return response.data
}
