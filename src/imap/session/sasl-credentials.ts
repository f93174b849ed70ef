// SASL mechanisms of AUTHENTICATE (RFC 9051 §6.2.2) as pure functions over decoded responses:
// PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login: what Outlook and many phones send).
// The exchange itself (continuations, "*" to cancel) is commands/authenticate.ts.
import { syntaxError } from '../../core/errors.ts'

export interface SaslCredentials {
  /** RFC 4616 authzid; empty means "the same as username". */
  authorizationId: string
  username: string
  password: string
}

/** base64("Username:") and base64("Password:"), the challenges every LOGIN client expects. */
export const LOGIN_USERNAME_CHALLENGE = new TextEncoder().encode('Username:')
export const LOGIN_PASSWORD_CHALLENGE = new TextEncoder().encode('Password:')

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** UTF-8 text of a response; anything else is a malformed response (BAD). */
export function saslText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw syntaxError('Authentication response is not UTF-8')
  }
}

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd, authcid and passwd non-empty. */
export function parsePlainMessage(bytes: Uint8Array): SaslCredentials {
  const parts = saslText(bytes).split('\0')
  const [authorizationId, username, password] = parts
  if (parts.length !== 3 || authorizationId === undefined || username === undefined || password === undefined) {
    throw syntaxError('PLAIN response must be authzid NUL authcid NUL password')
  }
  if (username === '' || password === '') throw syntaxError('PLAIN user name and password must not be empty')
  return { authorizationId, username, password }
}
