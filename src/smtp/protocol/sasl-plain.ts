// SASL PLAIN (RFC 4616) over SMTP AUTH (RFC 4954): one message `[authzid] NUL authcid NUL passwd`,
// as the initial response or after an empty `334 ` challenge.
import { replyError } from './reply-error.ts'
import { type SaslCredentials, type SaslStep, challengeReply, decodeSaslResponse, decodeSaslText } from './sasl.ts'

/** Begin AUTH PLAIN; with an initial response the exchange is complete at once. */
export function startPlain(initialResponse: string | null): SaslStep {
  if (initialResponse === null) return { kind: 'challenge', reply: challengeReply('') }
  return { kind: 'done', credentials: parsePlainMessage(decodeSaslResponse(initialResponse, { initial: true })) }
}

/** The client's answer to the empty challenge. */
export function continuePlain(line: string): SaslStep {
  return { kind: 'done', credentials: parsePlainMessage(decodeSaslResponse(line)) }
}

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; authcid and passwd non-empty. */
export function parsePlainMessage(bytes: Uint8Array): SaslCredentials {
  const parts = decodeSaslText(bytes).split('\0')
  const [authorizationId, username, password] = parts
  if (parts.length !== 3 || authorizationId === undefined || username === undefined || password === undefined) {
    throw replyError('authMalformed', 'PLAIN response must be authzid NUL authcid NUL password', 'AUTH')
  }
  if (username === '' || password === '')
    throw replyError('authMalformed', 'PLAIN user name and password must not be empty', 'AUTH')
  return { authorizationId, username, password }
}
