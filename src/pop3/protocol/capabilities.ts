// The CAPA list (RFC 2449 §5-§6). What is offered depends on the connection: STLS only in the
// AUTHORIZATION state of a plaintext connection that can upgrade (RFC 2595 §4), and the login
// methods (USER, SASL) only where a password may be sent (TLS, or pop3.allowInsecureAuth), so a
// client learns from CAPA that it has to STLS first.
import { SASL_MECHANISMS } from './sasl.ts'

export interface CapabilityContext {
  /** Still in the AUTHORIZATION state (RFC 2449 §5: the list may differ after login). */
  authorization: boolean
  /** TLS is active (implicit or after STLS). */
  secure: boolean
  /** STLS could upgrade this connection (a certificate is configured). */
  tlsAvailable: boolean
  /** USER/PASS and AUTH are accepted on this connection now. */
  loginAllowed: boolean
}

export function capabilities(context: CapabilityContext): string[] {
  const lines = [
    'TOP',
    'UIDL',
    // RFC 2449 §6.4, RFC 3206 §5: -ERR lines may carry [IN-USE], [LOGIN-DELAY], [SYS/...], [AUTH].
    'RESP-CODES',
    'AUTH-RESP-CODE',
    // RFC 2449 §6.6: commands are answered strictly in order, so clients may send them in batches.
    'PIPELINING',
  ]
  if (context.authorization) {
    if (context.loginAllowed) lines.push('USER', `SASL ${SASL_MECHANISMS.join(' ')}`)
    if (!context.secure && context.tlsAvailable) lines.push('STLS')
  }
  lines.push('IMPLEMENTATION mail-server')
  return lines
}
