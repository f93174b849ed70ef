// STARTTLS (RFC 9051 §6.2.1, RFC 3501 §6.2.1): OK, then the handshake; input the client pipelined
// behind the command is dropped (session.startTls), and after the handshake the session starts
// over in the not-authenticated state with a fresh receiver.
import { syntaxError } from '../../core/errors.ts'
import { NOT_AUTHENTICATED, defineCommand } from '../session/command-context.ts'

export const starttlsCommand = defineCommand({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  run(ctx) {
    // Not advertised on implicit TLS or once TLS is up: a client error (mox answers BAD too).
    if (ctx.transport.secure) throw syntaxError('TLS is already active')
    if (!ctx.settings.startTls) throw syntaxError('STARTTLS is not offered on this port')
    return { text: 'Begin TLS negotiation now', afterResponse: () => ctx.startTls() }
  },
})
