// AUTHENTICATE mechanism [initial-response] (RFC 9051 §6.2.2; SASL-IR RFC 4959 §3: "=" is an
// empty initial response).
import { decodeBase64Strict } from '../base64.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface AuthenticateCommand {
  name: 'AUTHENTICATE'
  /** Upper-cased, e.g. PLAIN, LOGIN, SCRAM-SHA-256. */
  mechanism: string
  /** Decoded SASL-IR initial response; empty for "="; null when absent. */
  initialResponse: Uint8Array | null
}

export function parseAuthenticate(t: ImapTokenizer): AuthenticateCommand {
  t.space('authentication mechanism')
  const mechanism = t.atomUpper('authentication mechanism')
  let initialResponse: Uint8Array | null = null
  if (t.more()) {
    const text = t.atom('initial response')
    initialResponse = text === '=' ? new Uint8Array(0) : decodeBase64Strict(text)
    if (initialResponse === null) t.fail('Initial response is not valid base64')
  }
  return { name: 'AUTHENTICATE', mechanism, initialResponse }
}
