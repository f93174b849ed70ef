// HELO and EHLO (RFC 5321 §4.1.1.1). The argument's syntax was checked by the parser (a domain or an
// address literal); here the session records it and answers, with the extensions that apply right
// now (STARTTLS only before TLS, AUTH only where allowed: ehlo-capabilities.ts).
import { buildEhloReply } from '../protocol/ehlo-capabilities.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import type { SessionContext } from './session-context.ts'
import { helloReply } from './session-replies.ts'

type HelloCommand = Extract<SmtpCommand, { verb: 'HELO' | 'EHLO' }>

export function handleHello(s: SessionContext, command: HelloCommand): SmtpReply {
  const { settings, state, transport } = s
  const esmtp = command.verb === 'EHLO'
  // RFC 5321 §4.1.4: HELO/EHLO in a transaction clears it as RSET does (the AUTH identity stays).
  state.transaction = null
  state.hello = { domain: command.domain, esmtp }
  if (!esmtp) return helloReply(settings.hostname, command.domain, transport.remoteAddress)
  return buildEhloReply(
    settings.hostname,
    {
      maxMessageSize: settings.maxMessageSize,
      tlsActive: transport.secure,
      startTlsAvailable: settings.startTls,
      authMechanisms: settings.authMechanisms,
      allowInsecureAuth: settings.allowInsecureAuth,
      authenticated: state.auth !== null,
      pipelining: true,
      eightBitMime: true,
      smtputf8: true,
      chunking: true,
      enhancedStatusCodes: true,
      dsn: true,
      help: true,
    },
    `Hello ${command.domain} [${transport.remoteAddress}]`,
  )
}
