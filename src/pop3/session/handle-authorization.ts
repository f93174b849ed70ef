// AUTHORIZATION state commands: USER and PASS (RFC 1939 §7), AUTH (RFC 5034 §4), and the SASL
// responses that follow an AUTH challenge.
import { multiLine, okLine } from '../protocol/response.ts'
import { pop3SyntaxError } from '../protocol/pop3-error.ts'
import {
  SASL_MECHANISMS,
  type SaslExchange,
  type SaslStep,
  challengeLine,
  continueSasl,
  isSaslMechanism,
  startSasl,
} from '../protocol/sasl.ts'
import { insecureLoginError, logIn } from './log-in.ts'
import type { AuthorizationState, Pop3SessionContext } from './session-context.ts'

export function handleUser(s: Pop3SessionContext, state: AuthorizationState, user: string): void {
  if (!s.loginAllowed()) throw insecureLoginError()
  // RFC 1939 §7: the answer does not say whether the mailbox exists; PASS decides.
  state.user = user
  s.reply(okLine('send PASS'))
}

export async function handlePass(s: Pop3SessionContext, state: AuthorizationState, password: string): Promise<void> {
  const user = state.user
  state.user = null
  if (!s.loginAllowed()) throw insecureLoginError()
  if (user === null) throw pop3SyntaxError('send USER first')
  await logIn(s, { authorizationId: '', username: user, password })
}

export async function handleAuth(
  s: Pop3SessionContext,
  state: AuthorizationState,
  mechanism: string | null,
  initialResponse: string | null,
): Promise<void> {
  state.user = null
  if (!s.loginAllowed()) throw insecureLoginError()
  // RFC 1734's AUTH without arguments lists the mechanisms; Outlook still asks this way.
  if (mechanism === null) {
    s.reply(multiLine('SASL mechanisms follow', SASL_MECHANISMS))
    return
  }
  if (!isSaslMechanism(mechanism)) throw pop3SyntaxError('unsupported authentication mechanism')
  await step(s, state, startSasl(mechanism, initialResponse))
}

/** A line received while a SASL exchange waits for the client's response. */
export async function handleSaslResponse(
  s: Pop3SessionContext,
  state: AuthorizationState,
  exchange: SaslExchange,
  line: string,
): Promise<void> {
  state.sasl = null // whatever happens next, this exchange is over unless it asks again
  await step(s, state, continueSasl(exchange, line))
}

async function step(s: Pop3SessionContext, state: AuthorizationState, next: SaslStep): Promise<void> {
  if (next.kind === 'challenge') {
    state.sasl = next.exchange
    s.reply(challengeLine(next.challenge))
    return
  }
  await logIn(s, next.credentials)
}
