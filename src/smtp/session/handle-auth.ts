// AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, initial response included. The SASL steps are the
// protocol layer's (sasl-plain.ts, sasl-login.ts); the password check, throttling and its logging are
// auth/sasl-authenticate.ts. Outcomes: 235 2.7.0, 535 5.7.8 (wrong credentials), 454 4.7.0 (throttled,
// temporary), 501 (cancelled with "*" or undecodable), 538 5.7.11 (no TLS), 504 (unknown mechanism).
import { authenticateLogin } from '../../auth/sasl-authenticate.ts'
import { replyError } from '../protocol/reply-error.ts'
import { standardReply, type SmtpReply } from '../protocol/reply.ts'
import type { SaslCredentials } from '../protocol/sasl.ts'
import { continueLogin, startLogin } from '../protocol/sasl-login.ts'
import { continuePlain, startPlain } from '../protocol/sasl-plain.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import type { SessionContext } from './session-context.ts'
import { badSequence, throttledError } from './session-replies.ts'
import type { SaslExchange } from './session-state.ts'

type AuthCommand = Extract<SmtpCommand, { verb: 'AUTH' }>

export async function handleAuth(s: SessionContext, command: AuthCommand): Promise<SmtpReply> {
  const { settings, state, transport } = s
  if (settings.authMechanisms.length === 0) throw badSequence('Authentication not enabled on this port', 'AUTH')
  // RFC 4954 §4: AUTH only after EHLO, not twice, and not inside a mail transaction.
  if (state.hello === null || !state.hello.esmtp) throw badSequence('Send EHLO first', 'AUTH')
  if (state.auth !== null) throw badSequence('Already authenticated', 'AUTH')
  if (state.transaction !== null) throw badSequence('AUTH not permitted during a mail transaction', 'AUTH')
  // RFC 4954 §4, RFC 4616 §6: no clear-text passwords over an unprotected connection.
  if (!transport.secure && !settings.allowInsecureAuth) throw replyError('encryptionRequiredForAuth', undefined, 'AUTH')
  const mechanism = settings.authMechanisms.find(m => m === command.mechanism)
  if (mechanism === undefined) throw replyError('authMechanismUnsupported', undefined, 'AUTH')
  if (mechanism === 'PLAIN') {
    const step = startPlain(command.initialResponse)
    if (step.kind === 'done') return verify(s, step.credentials)
    s.setMode({ kind: 'auth', exchange: { mechanism: 'PLAIN' } })
    return step.reply
  }
  const step = startLogin(command.initialResponse)
  if (step.kind === 'done') return verify(s, step.credentials)
  s.setMode({ kind: 'auth', exchange: { mechanism: 'LOGIN', login: step.state } })
  return step.reply
}

/** The client's answer to a 334 challenge. The session has already switched back to command mode. */
export async function continueAuth(s: SessionContext, exchange: SaslExchange, line: string): Promise<SmtpReply> {
  if (exchange.mechanism === 'PLAIN') {
    const step = continuePlain(line)
    if (step.kind === 'done') return verify(s, step.credentials)
    s.setMode({ kind: 'auth', exchange })
    return step.reply
  }
  const step = continueLogin(exchange.login, line)
  if (step.kind === 'done') return verify(s, step.credentials)
  s.setMode({ kind: 'auth', exchange: { mechanism: 'LOGIN', login: step.state } })
  return step.reply
}

async function verify(s: SessionContext, credentials: SaslCredentials): Promise<SmtpReply> {
  const { deps, transport } = s
  const outcome = await authenticateLogin(
    { accounts: deps.accounts, throttle: deps.throttle, logger: s.logger },
    {
      ip: transport.remoteAddress,
      protocol: 'smtp',
      authorizationId: credentials.authorizationId,
      username: credentials.username,
      password: credentials.password,
    },
  )
  if (outcome.kind === 'throttled') throw throttledError(outcome.retryAfterMs)
  if (outcome.kind === 'failed') {
    deps.metrics.authFailures.inc({ protocol: 'smtp' })
    throw replyError('authFailed', undefined, 'AUTH')
  }
  s.state.auth = { accountId: outcome.account.id, email: outcome.account.email }
  return standardReply('authSucceeded')
}
