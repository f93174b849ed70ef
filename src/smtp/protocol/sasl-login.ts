// SASL LOGIN (draft-murchison-sasl-login-00, obsolete but still what Outlook and many devices
// send): the server asks "Username:" then "Password:" in base64, the client answers each in base64.
// An initial response on the AUTH line is the user name. The exchange state is a value the session
// keeps and passes back in, so the functions stay pure.
import { replyError } from './reply-error.ts'
import type { SmtpReply } from './reply.ts'
import { type SaslCredentials, challengeReply, decodeSaslResponse, decodeSaslText } from './sasl.ts'

/** base64("Username:") and base64("Password:"), as every LOGIN client expects them. */
export const LOGIN_USERNAME_CHALLENGE = 'VXNlcm5hbWU6'
export const LOGIN_PASSWORD_CHALLENGE = 'UGFzc3dvcmQ6'

export type LoginState = { readonly step: 'username' } | { readonly step: 'password'; readonly username: string }

export type LoginStep =
  | { readonly kind: 'challenge'; readonly reply: SmtpReply; readonly state: LoginState }
  | { readonly kind: 'done'; readonly credentials: SaslCredentials }

/** Begin AUTH LOGIN, with the user name as optional initial response. */
export function startLogin(initialResponse: string | null): LoginStep {
  if (initialResponse === null) {
    return { kind: 'challenge', reply: challengeReply(LOGIN_USERNAME_CHALLENGE), state: { step: 'username' } }
  }
  return askPassword(decodeSaslResponse(initialResponse, { initial: true }))
}

/** Feed the client's answer to the last challenge. */
export function continueLogin(state: LoginState, line: string): LoginStep {
  const bytes = decodeSaslResponse(line)
  if (state.step === 'username') return askPassword(bytes)
  return {
    kind: 'done',
    credentials: { authorizationId: '', username: state.username, password: decodeSaslText(bytes) },
  }
}

function askPassword(usernameBytes: Uint8Array): LoginStep {
  const username = decodeSaslText(usernameBytes)
  if (username === '') throw replyError('authMalformed', 'LOGIN user name must not be empty', 'AUTH')
  return { kind: 'challenge', reply: challengeReply(LOGIN_PASSWORD_CHALLENGE), state: { step: 'password', username } }
}
