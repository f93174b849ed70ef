// Commands that do not touch a transaction's content: RSET, NOOP, VRFY, EXPN, HELP, QUIT
// (RFC 5321 §4.1.1.5 - §4.1.1.10).
import { replyError } from '../protocol/reply-error.ts'
import { standardReply, type SmtpReply } from '../protocol/reply.ts'
import type { HandlerResult, SessionContext } from './session-context.ts'
import { closingReply } from './session-replies.ts'

/** RFC 5321 §4.1.1.5: abort the transaction; HELO/EHLO and AUTH stay. */
export function handleRset(s: SessionContext): SmtpReply {
  s.state.transaction = null
  return standardReply('resetOk')
}

export const handleNoop = (): SmtpReply => standardReply('ok')

/** RFC 5321 §3.5.3: 252 instead of confirming or denying, so addresses cannot be harvested. */
export const handleVrfy = (): SmtpReply => standardReply('cannotVerify')

/** RFC 5321 §3.5.2: mailing lists are not expanded for anyone (502: not implemented). */
export const handleExpn = (): SmtpReply => {
  throw replyError('notImplemented', 'EXPN not available', 'EXPN')
}

export const handleHelp = (): SmtpReply =>
  standardReply('help', [
    'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT STARTTLS AUTH',
    'See https://www.rfc-editor.org/rfc/rfc5321',
  ])

/** RFC 5321 §4.1.1.10: 221, then close once the reply has been written. */
export function handleQuit(s: SessionContext): HandlerResult {
  s.send(closingReply(s.settings.hostname), 'QUIT')
  s.close()
  return null
}
