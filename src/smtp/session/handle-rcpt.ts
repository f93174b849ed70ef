// RCPT TO (RFC 5321 §4.1.1.3): one recipient per command. The session enforces order, the recipient
// limit (RFC 5321 §4.5.3.1.8: 452 4.5.3 beyond it) and SMTPUTF8 (RFC 6531 §3.5); the pipeline resolves
// the address and refuses unknown users and relaying.
import type { RcptToInput } from '../inbound/inbound-types.ts'
import { replyError } from '../protocol/reply-error.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import type { SessionContext } from './session-context.ts'
import { badSequence } from './session-replies.ts'

type RcptCommand = Extract<SmtpCommand, { verb: 'RCPT' }>

export async function handleRcpt(s: SessionContext, command: RcptCommand): Promise<SmtpReply> {
  const { settings, state } = s
  const transaction = state.transaction
  if (transaction === null) throw badSequence('Need MAIL before RCPT', 'RCPT')
  if (transaction.bdat !== null) throw badSequence('RCPT not allowed after BDAT', 'RCPT')
  if (transaction.recipients.length >= settings.maxRecipients) throw replyError('tooManyRecipients', undefined, 'RCPT')
  const to = command.to
  // RFC 6531 §3.5: a non-ASCII forward-path needs SMTPUTF8 on this transaction's MAIL.
  if (to.kind === 'mailbox' && to.mailbox.utf8 && !transaction.from.smtputf8) {
    throw replyError('nonAsciiRecipient', undefined, 'RCPT')
  }
  const params = command.params
  if ((params.notify !== undefined || params.orcpt !== undefined) && !state.hello?.esmtp) {
    throw replyError('unknownParameter', 'RCPT parameters require EHLO', 'RCPT')
  }
  const input: RcptToInput = {
    // RFC 5321 §4.1.1.3: a bare <Postmaster> is the postmaster of this host.
    address: to.kind === 'postmaster' ? `postmaster@${settings.hostname}` : to.mailbox.address,
    notify: params.notify ?? null,
    orcpt: params.orcpt === undefined ? null : { addrType: params.orcpt.addrType, value: params.orcpt.value },
  }
  const verdict = await s.deps.pipeline.rcptTo(s.inboundContext(), transaction.from, input, transaction.recipients)
  // The transaction object is still the one this RCPT belongs to: commands run one at a time.
  if (verdict.ok) transaction.recipients.push(verdict.recipient)
  return verdict.reply
}
