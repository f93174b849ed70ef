// From SMTP replies to the contract's per-recipient results (src/delivery/transport/outbound-transport.ts).
// RFC 5321 §4.2.1: 2yz done, 4yz try again later, 5yz do not repeat; RFC 3463 enhanced codes are
// taken from the reply, or `<class>.0.0` when the server sent none.
import type { OutboundAttempt, RecipientResult } from '../transport/outbound-transport.ts'
import { type SmtpReply, enhancedStatusOf, formatReply } from './smtp-reply.ts'
import type { TransactionReplies } from './smtp-client.ts'

export type ResultStatus = RecipientResult['status']

/** The same result for every recipient of the attempt (a DNS, connection or policy outcome). */
export function uniformResults(
  attempt: Pick<OutboundAttempt, 'recipients'>,
  status: ResultStatus,
  outcome: { code: number | null; enhancedStatus: string; diagnostic: string; remoteMta: string | null },
): RecipientResult[] {
  return attempt.recipients.map(r => ({ address: r.address, status, ...outcome }))
}

export function statusOfReply(reply: SmtpReply): ResultStatus {
  if (reply.code >= 200 && reply.code < 300) return 'delivered'
  return reply.code >= 500 ? 'failed' : 'deferred'
}

function fromReply(address: string, reply: SmtpReply, remoteMta: string, ifPositive: ResultStatus): RecipientResult {
  const status = statusOfReply(reply)
  return {
    address,
    status: status === 'delivered' ? ifPositive : status,
    code: reply.code,
    enhancedStatus: enhancedStatusOf(reply),
    diagnostic: formatReply(reply),
    remoteMta,
  }
}

/** One result per recipient from a finished transaction. */
export function resultsFromReplies(
  attempt: Pick<OutboundAttempt, 'recipients'>,
  replies: TransactionReplies,
  remoteMta: string,
): RecipientResult[] {
  return attempt.recipients.map((recipient, i) => {
    const { address } = recipient
    if (statusOfReply(replies.mail) !== 'delivered') return fromReply(address, replies.mail, remoteMta, 'deferred')
    const rcpt = replies.rcpt[i] ?? null
    if (rcpt === null)
      return {
        address,
        status: 'deferred',
        code: null,
        enhancedStatus: '4.0.0',
        diagnostic: 'recipient not sent',
        remoteMta,
      }
    if (statusOfReply(rcpt) !== 'delivered') return fromReply(address, rcpt, remoteMta, 'deferred')
    if (replies.data === null)
      return {
        address,
        status: 'deferred',
        code: null,
        enhancedStatus: '4.0.0',
        diagnostic: 'no reply to the message data',
        remoteMta,
      }
    return fromReply(address, replies.data, remoteMta, 'delivered')
  })
}
