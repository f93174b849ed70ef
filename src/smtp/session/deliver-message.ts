// The end of a transaction, shared by DATA and BDAT LAST: hand the message to the pipeline, which
// verifies, adds trace headers and delivers durably before it resolves; only then does the client get
// its 250 (DESIGN.md "Storage contract"). The transaction ends whatever the outcome (RFC 5321 §4.1.1.4).
import type { SmtpReply } from '../protocol/reply.ts'
import type { SessionContext } from './session-context.ts'

export async function deliverMessage(s: SessionContext, message: Uint8Array): Promise<SmtpReply> {
  const transaction = s.state.transaction
  if (transaction === null) throw new Error('deliverMessage without a transaction')
  s.state.transaction = null
  const result = await s.deps.pipeline.deliver(s.inboundContext(), transaction.from, transaction.recipients, message)
  // The pipeline logs the outcome at info, one line per message (it knows why); this is the
  // session's view, for debugging only.
  s.logger.debug('message received', {
    from: transaction.from.address,
    recipients: transaction.recipients.length,
    size: message.length,
    code: result.reply.code,
  })
  return result.reply
}
