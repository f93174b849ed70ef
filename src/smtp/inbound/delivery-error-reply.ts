// Storage and queue failures → SMTP replies (issue 4: "temporary storage errors → 451/452, never
// silent loss"). Only a full mailbox is permanent; everything else asks the client to retry.
import { isMailError } from '../../core/errors.ts'
import { standardReply } from '../protocol/reply.ts'
import type { SmtpReply } from '../protocol/reply.ts'

export interface FailureReply {
  reply: SmtpReply
  /** Label for smtp_rejections_total / logs. */
  reason: 'over_quota' | 'storage_full' | 'temporary'
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

/** Whether `e` or one of its causes is a disk-full errno. */
export function isDiskFull(e: unknown): boolean {
  let current: unknown = e
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && DISK_FULL.has(code)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

export function deliveryFailureReply(e: unknown): FailureReply {
  // RFC 3463 X.2.2 mailbox full; RFC 5321 §4.2.2 552.
  if (isMailError(e) && e.codes.code === 'over_quota')
    return { reply: standardReply('quotaExceeded'), reason: 'over_quota' }
  // RFC 5321 §4.2.3 452 insufficient system storage; RFC 3463 X.3.1 mail system full.
  if (isDiskFull(e)) return { reply: standardReply('insufficientStorage'), reason: 'storage_full' }
  return { reply: standardReply('tempFailure'), reason: 'temporary' }
}
