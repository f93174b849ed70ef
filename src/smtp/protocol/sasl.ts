// The SMTP side of a SASL exchange (RFC 4954 §4): challenges go out as `334 <base64>`, responses
// come back as base64 lines, `*` cancels. Mechanism files (sasl-plain.ts, sasl-login.ts) build on
// these; checking the password is the session's job (auth/).
import { replyError } from './reply-error.ts'
import type { SmtpReply } from './reply.ts'

/** What a mechanism produced: the identities and the password to check. */
export interface SaslCredentials {
  /** Identity to act as (RFC 4616 authzid); empty means "the same as username". */
  readonly authorizationId: string
  /** Identity whose password this is (authcid). */
  readonly username: string
  readonly password: string
}

/** The next move in an exchange: send a challenge and wait, or check the credentials. */
export type SaslStep =
  | { readonly kind: 'challenge'; readonly reply: SmtpReply }
  | { readonly kind: 'done'; readonly credentials: SaslCredentials }

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** `334 <challenge>` (RFC 4954 §4); an empty challenge is `334 ` with nothing after the space. */
export function challengeReply(challengeBase64: string): SmtpReply {
  return { code: 334, enhanced: null, lines: [challengeBase64] }
}

/**
 * Decode a client response line. `*` cancels (RFC 4954 §4: 501); `=` is the empty initial
 * response (only valid as the AUTH command's initial response). Missing `=` padding is accepted,
 * since some clients drop it; anything else that is not base64 is 501 5.5.2.
 */
export function decodeSaslResponse(line: string, options: { initial?: boolean } = {}): Uint8Array {
  const text = line.trim()
  if (text === '*') throw replyError('authCancelled', undefined, 'AUTH')
  if (text === '=' && options.initial) return new Uint8Array(0)
  if (!BASE64.test(text) || text.length % 4 === 1) throw replyError('authMalformed', undefined, 'AUTH')
  return Uint8Array.from(Buffer.from(text, 'base64'))
}

/** UTF-8 text of a response (RFC 4616 §2, RFC 4954 §4); other bytes are 501 5.5.2. */
export function decodeSaslText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw replyError('authMalformed', 'authentication response is not UTF-8', 'AUTH')
  }
}

/** Base64 of a UTF-8 string, for challenges. */
export function encodeSaslChallenge(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}
