// MAIL FROM (RFC 5321 §4.1.1.2): starts a transaction. The session checks order, AUTH (RFC 6409 §4.3
// on submission ports), the declared SIZE (RFC 1870 §6.2) and which ESMTP parameters were offered;
// the pipeline decides whether this client may use this sender (send-as policy, trap mode).
import type { MailFromInput } from '../inbound/inbound-types.ts'
import { replyError } from '../protocol/reply-error.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import type { SessionContext } from './session-context.ts'
import { badSequence } from './session-replies.ts'

type MailCommand = Extract<SmtpCommand, { verb: 'MAIL' }>

export async function handleMail(s: SessionContext, command: MailCommand): Promise<SmtpReply> {
  const { settings, state, transport } = s
  if (state.hello === null) throw badSequence('Send EHLO or HELO first', 'MAIL')
  if (state.transaction !== null) throw badSequence('Nested MAIL command', 'MAIL')
  if (settings.requireAuth && !settings.trap && state.auth === null) {
    // RFC 3207 §4 / RFC 4954 §6: without TLS the client cannot log in yet, so say what comes first.
    if (!transport.secure && !settings.allowInsecureAuth) throw replyError('tlsRequired', undefined, 'MAIL')
    throw replyError('authRequired', undefined, 'MAIL')
  }
  const params = command.params
  const usesExtensions =
    params.size !== undefined ||
    params.body !== undefined ||
    params.smtputf8 ||
    params.ret !== undefined ||
    params.envid !== undefined ||
    params.auth !== undefined ||
    params.requireTls
  // RFC 5321 §4.1.1.2: Mail-parameters belong to extensions announced in the EHLO reply; a HELO
  // client never saw any.
  if (usesExtensions && !state.hello.esmtp) {
    throw replyError('unknownParameter', 'MAIL parameters require EHLO', 'MAIL')
  }
  // RFC 3030 §3 BINARYMIME and RFC 8689 REQUIRETLS are not offered in EHLO.
  if (params.body === 'BINARYMIME') throw replyError('paramNotImplemented', 'BODY=BINARYMIME not supported', 'MAIL')
  if (params.requireTls) throw replyError('unknownParameter', 'REQUIRETLS not supported', 'MAIL')
  // RFC 1870 §6.2: a declared size over the fixed maximum is refused at once with 552.
  if (params.size !== undefined && params.size > settings.maxMessageSize) {
    throw replyError(
      'sizeExceeded',
      `Message size exceeds fixed maximum message size of ${settings.maxMessageSize}`,
      'MAIL',
    )
  }
  const from: MailFromInput = {
    address: command.from?.address ?? '',
    size: params.size ?? null,
    body: params.body ?? null,
    smtputf8: params.smtputf8,
    ret: params.ret ?? null,
    envid: params.envid ?? null,
    requireTls: params.requireTls,
  }
  const verdict = await s.deps.pipeline.mailFrom(s.inboundContext(), from)
  // Commands run one at a time, but the connection may have closed while the pipeline worked.
  if (verdict.ok && state.mode.kind !== 'closed') {
    state.transaction = { from, recipients: [], bdat: null }
  }
  return verdict.reply
}
