// The POP3 side of SASL (RFC 5034 §4): challenges go out as "+ <base64>" ("+ " when empty), the
// client answers each with a base64 line, "*" cancels, and "=" as the initial response means an
// empty one. Mechanisms: PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login, what Outlook and
// many phones send). The exchange state is a value the session keeps and passes back in, so these
// functions stay pure; checking the password is auth/sasl-authenticate.ts's job.
import { Pop3Error, pop3SyntaxError } from './pop3-error.ts'

export type SaslMechanism = 'PLAIN' | 'LOGIN'
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'LOGIN']

/** base64("Username:") and base64("Password:"), as every LOGIN client expects them. */
export const LOGIN_USERNAME_CHALLENGE = 'VXNlcm5hbWU6'
export const LOGIN_PASSWORD_CHALLENGE = 'UGFzc3dvcmQ6'

export interface SaslCredentials {
  /** RFC 4616 authzid; empty means "the same as username". */
  readonly authorizationId: string
  readonly username: string
  readonly password: string
}

/** Waiting for the client's answer to a challenge. */
export type SaslExchange =
  | { readonly mechanism: 'PLAIN' }
  | { readonly mechanism: 'LOGIN'; readonly step: 'username' }
  | { readonly mechanism: 'LOGIN'; readonly step: 'password'; readonly username: string }

export type SaslStep =
  | { readonly kind: 'challenge'; readonly challenge: string; readonly exchange: SaslExchange }
  | { readonly kind: 'done'; readonly credentials: SaslCredentials }

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The "+ <challenge>" continuation line (RFC 5034 §4). */
export const challengeLine = (challengeBase64: string) => `+ ${challengeBase64}\r\n`

export const isSaslMechanism = (name: string): name is SaslMechanism =>
  (SASL_MECHANISMS as readonly string[]).includes(name)

/** Begin an exchange; with an initial response PLAIN completes at once. */
export function startSasl(mechanism: SaslMechanism, initialResponse: string | null): SaslStep {
  if (mechanism === 'PLAIN') {
    if (initialResponse === null) return { kind: 'challenge', challenge: '', exchange: { mechanism: 'PLAIN' } }
    return { kind: 'done', credentials: parsePlainMessage(decodeSaslResponse(initialResponse, { initial: true })) }
  }
  if (initialResponse === null) {
    return {
      kind: 'challenge',
      challenge: LOGIN_USERNAME_CHALLENGE,
      exchange: { mechanism: 'LOGIN', step: 'username' },
    }
  }
  return askPassword(decodeSaslResponse(initialResponse, { initial: true }))
}

/** Feed the client's answer to the last challenge. */
export function continueSasl(exchange: SaslExchange, line: string): SaslStep {
  const bytes = decodeSaslResponse(line)
  if (exchange.mechanism === 'PLAIN') return { kind: 'done', credentials: parsePlainMessage(bytes) }
  if (exchange.step === 'username') return askPassword(bytes)
  return {
    kind: 'done',
    credentials: { authorizationId: '', username: exchange.username, password: decodeSaslText(bytes) },
  }
}

/**
 * A client response line. "*" cancels (RFC 5034 §4: answered with -ERR); "=" is the empty initial
 * response. Missing "=" padding is accepted, as some clients drop it.
 */
export function decodeSaslResponse(line: string, options: { initial?: boolean } = {}): Uint8Array {
  const text = line.trim()
  if (text === '*') throw new Pop3Error('user', 'authentication cancelled', null, false)
  if (text === '=' && options.initial) return new Uint8Array(0)
  if (!BASE64.test(text) || text.length % 4 === 1) throw pop3SyntaxError('invalid base64 in SASL response')
  return Uint8Array.from(Buffer.from(text, 'base64'))
}

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; authcid and passwd non-empty. */
export function parsePlainMessage(bytes: Uint8Array): SaslCredentials {
  const parts = decodeSaslText(bytes).split('\0')
  const [authorizationId, username, password] = parts
  if (parts.length !== 3 || authorizationId === undefined || username === undefined || password === undefined) {
    throw pop3SyntaxError('PLAIN response must be authzid NUL authcid NUL password')
  }
  if (username === '' || password === '') throw pop3SyntaxError('PLAIN user name and password must not be empty')
  return { authorizationId, username, password }
}

function askPassword(usernameBytes: Uint8Array): SaslStep {
  const username = decodeSaslText(usernameBytes)
  if (username === '') throw pop3SyntaxError('LOGIN user name must not be empty')
  return {
    kind: 'challenge',
    challenge: LOGIN_PASSWORD_CHALLENGE,
    exchange: { mechanism: 'LOGIN', step: 'password', username },
  }
}

function decodeSaslText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw pop3SyntaxError('SASL response is not UTF-8')
  }
}
