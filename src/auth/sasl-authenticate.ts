// The password check behind SASL PLAIN/LOGIN (SMTP AUTH, RFC 4954; later IMAP AUTHENTICATE/LOGIN and
// POP3 AUTH/USER-PASS): throttle first, then verify against storage, then record the outcome and log
// it. Protocol-agnostic: each protocol maps the outcome to its own reply (SMTP 454 / 535).
// The password is never logged, nor passed to a log call.
import type { Logger } from '../core/logger.ts'
import type { LoginThrottle } from './login-throttle.ts'

/** What a protocol learnt from a SASL exchange (RFC 4616 §2 for PLAIN). */
export interface LoginAttempt {
  /** Client address, for the per-address counter. */
  ip: string
  /** 'smtp', 'imap', 'pop3': for logs. */
  protocol: string
  /** RFC 4616 authzid; empty = act as `username`. */
  authorizationId: string
  username: string
  password: string
}

/** The storage method this needs (storage.accounts satisfies it). */
export interface CredentialVerifier {
  /** The account when the password is right and the account and its domain are enabled; else null. */
  verifyCredentials(email: string, password: string): Promise<{ id: number; email: string } | null>
}

export interface SaslAuthenticateDeps {
  accounts: CredentialVerifier
  throttle: LoginThrottle
  logger: Logger
}

export type LoginOutcome =
  | { readonly kind: 'ok'; readonly account: { readonly id: number; readonly email: string } }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number }
  | { readonly kind: 'failed' }

export async function authenticateLogin(deps: SaslAuthenticateDeps, attempt: LoginAttempt): Promise<LoginOutcome> {
  const { throttle, logger } = deps
  const fields = { user: attempt.username, protocol: attempt.protocol, ip: attempt.ip }
  const decision = throttle.check(attempt.ip, attempt.username)
  if (!decision.allowed) {
    logger.warn('login throttled', { ...fields, retryAfterMs: decision.retryAfterMs })
    return { kind: 'throttled', retryAfterMs: decision.retryAfterMs }
  }
  // RFC 4616 §2: acting as another identity (authzid) needs an authorisation policy this server does
  // not have, so only the user's own identity is accepted.
  const authzid = attempt.authorizationId
  const proxied = authzid !== '' && authzid.toLowerCase() !== attempt.username.toLowerCase()
  const account = proxied ? null : await deps.accounts.verifyCredentials(attempt.username, attempt.password)
  if (account === null) {
    throttle.recordFailure(attempt.ip, attempt.username)
    logger.info('login failed', { ...fields, ...(proxied ? { authzid } : {}) })
    return { kind: 'failed' }
  }
  throttle.recordSuccess(attempt.ip, attempt.username)
  logger.info('login succeeded', { ...fields, accountId: account.id })
  return { kind: 'ok', account: { id: account.id, email: account.email } }
}
