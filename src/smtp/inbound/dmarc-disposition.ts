// What to do with a message after sender authentication (RFC 7489 §6.7, DMARCbis §5.7.3): a DMARC
// failure under p=reject is refused when `smtp.inbound.dmarcReject` is on (550 5.7.1, one of the
// end-of-DATA replies RFC 5321 §4.3.2 allows), p=quarantine — or p=reject with rejection turned
// off — files the message as junk. Everything else (pass, none, temperror, p=none) is accepted: a
// DNS hiccup must not bounce mail.
import type { MessageVerification } from '../../security/mailauth/verify-message.ts'
import { standardReply } from '../protocol/reply.ts'
import type { SmtpReply } from '../protocol/reply.ts'

export type Disposition =
  | { action: 'accept' }
  | { action: 'quarantine'; why: string }
  | { action: 'reject'; why: string; reply: SmtpReply }

export function dmarcDisposition(verification: MessageVerification | null, rejectEnabled: boolean): Disposition {
  const dmarc = verification?.dmarc
  if (!dmarc || dmarc.result !== 'fail') return { action: 'accept' }
  const domain = dmarc.domain ?? 'the sender domain'
  if (dmarc.policy === 'reject' && rejectEnabled) {
    const why = `DMARC policy of ${domain} rejects this message`
    return { action: 'reject', why, reply: standardReply('policyRejected', why) }
  }
  if (dmarc.policy === 'reject' || dmarc.policy === 'quarantine') {
    return { action: 'quarantine', why: `DMARC failed for ${domain} (p=${dmarc.policy})` }
  }
  return { action: 'accept' }
}
