// STARTTLS (RFC 3207). Order matters for injection safety (CVE-2011-0411 class): write 220, stop
// reading, drop everything buffered behind the STARTTLS line, then let the transport upgrade once the
// 220 has left. The transport itself discards plaintext that arrives during the handshake and calls
// onTlsStarted, where the session forgets EHLO, AUTH and the transaction (RFC 3207 §4.2).
import { replyError } from '../protocol/reply-error.ts'
import { standardReply } from '../protocol/reply.ts'
import type { HandlerResult, SessionContext } from './session-context.ts'
import { badSequence } from './session-replies.ts'

export async function handleStartTls(s: SessionContext): Promise<HandlerResult> {
  const { settings, state, transport } = s
  // RFC 3207 §4.2: not offered, and refused, once TLS is active (also on implicit TLS).
  if (transport.secure) throw badSequence('TLS already active', 'STARTTLS')
  if (!settings.startTls) throw replyError('tlsNotAvailable', undefined, 'STARTTLS')
  if (state.hello === null || !state.hello.esmtp) throw badSequence('Send EHLO first', 'STARTTLS')
  if (state.transaction !== null) throw badSequence('STARTTLS not permitted during a mail transaction', 'STARTTLS')
  s.send(standardReply('startTlsReady'), 'STARTTLS')
  s.flush()
  s.setMode({ kind: 'tls' })
  s.clearInput()
  try {
    await transport.startTls()
  } catch (e) {
    // Still plaintext (no certificate, or the connection is closing): answer 454 and go on.
    if (state.mode.kind === 'tls') s.setMode({ kind: 'command' })
    throw e
  }
  return null
}
