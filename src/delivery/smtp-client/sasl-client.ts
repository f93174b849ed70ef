// Client side of SMTP AUTH (RFC 4954) for a smarthost: PLAIN (RFC 4616) when offered, else LOGIN
// (draft-murchison-sasl-login, still what many relays offer).

export type ClientSaslMechanism = 'PLAIN' | 'LOGIN'

/** The mechanism to use among those the server offered; null if we support none of them. */
export function chooseSaslMechanism(offered: readonly string[]): ClientSaslMechanism | null {
  if (offered.includes('PLAIN')) return 'PLAIN'
  if (offered.includes('LOGIN')) return 'LOGIN'
  return null
}

/** RFC 4616 §2: authzid NUL authcid NUL passwd, base64 (RFC 4954 §4 initial response). */
export function plainInitialResponse(username: string, password: string): string {
  return Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64')
}

export const base64Utf8 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
