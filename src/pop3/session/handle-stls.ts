// STLS (RFC 2595 §4), only in AUTHORIZATION on a plaintext connection. Order matters for injection
// safety (CVE-2011-0411 class): write +OK, stop reading, drop everything buffered behind STLS, then
// let the transport upgrade once the +OK has left. The transport discards plaintext arriving during
// the handshake and calls onTlsStarted, where the session forgets the USER name (RFC 2595 §4).
import { errorMessage } from '../../core/errors.ts'
import { okLine } from '../protocol/response.ts'
import { pop3SyntaxError, pop3TemporaryError } from '../protocol/pop3-error.ts'
import type { Pop3SessionContext } from './session-context.ts'

export async function handleStls(s: Pop3SessionContext): Promise<void> {
  if (s.transport.secure) throw pop3SyntaxError('TLS is already active')
  if (!s.deps.settings.tlsAvailable) throw pop3TemporaryError('TLS is not available')
  s.reply(okLine('Begin TLS negotiation'))
  s.state = { kind: 'tls' }
  s.clearInput()
  try {
    await s.transport.startTls()
  } catch (e) {
    // +OK is out, so plaintext cannot go on: the client is about to start a handshake.
    s.logger.warn('STLS failed', { error: errorMessage(e) })
    s.close()
  }
}
