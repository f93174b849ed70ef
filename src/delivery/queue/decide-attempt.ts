// What one delivery attempt means for its queue entry (pure: entry + transport results + time in,
// the row update out). RFC 5321 §4.2.1 / §4.5.4.1: 2xx delivered, 5xx permanent, anything else
// temporary and retried on the back-off schedule until the entry expires; RFC 3461 §4.1 decides
// which of these events owe the sender a DSN.
import { wantsDsn } from '../dsn/dsn-notify.ts'
import type { RecipientResult } from '../transport/outbound-transport.ts'
import type { AttemptRecord } from './outbound-queue.ts'
import { pendingRecipients, type QueuedMessage, resultKey } from './queue-rows.ts'
import type { QueueState, RecipientOutcome } from './queue-state.ts'
import { type RetryPolicy, retryDelayMs } from './retry-schedule.ts'

export interface AttemptPolicy extends RetryPolicy {
  /** Give up on deferred recipients this long after the message was queued (RFC 5321 §4.5.4.1: 4–5 days). */
  maxAgeMs: number
  /** Send one delay DSN once an entry has been deferred this long; 0 = never. */
  delayWarningMs: number
}

export interface AttemptDecision {
  record: AttemptRecord
  /** Per-recipient counts of this attempt, for the delivered/deferred/bounced counters. */
  counts: { delivered: number; deferred: number; bounced: number }
  /** Every recipient deferred without any reply (connection-level trouble): hold the domain back. */
  destinationDown: boolean
}

/** RFC 3463 X.4.7: delivery time expired. */
const EXPIRED_STATUS = '4.4.7'

export function decideAttempt(
  entry: QueuedMessage,
  results: readonly RecipientResult[],
  now: number,
  policy: AttemptPolicy,
  random: () => number = Math.random,
  messageId: string | null = entry.messageId,
): AttemptDecision {
  const byAddress = new Map(results.map(r => [resultKey(r.address), r]))
  const outcomes: Record<string, RecipientOutcome> = { ...entry.results }
  const counts = { delivered: 0, deferred: 0, bounced: 0 }
  const pending = pendingRecipients(entry)
  const expired = now - entry.createdAt >= policy.maxAgeMs
  let noReply = pending.length > 0

  for (const recipient of pending) {
    const key = resultKey(recipient.address)
    const result: RecipientResult = byAddress.get(key) ?? {
      address: recipient.address,
      status: 'deferred',
      code: null,
      enhancedStatus: '4.3.0',
      diagnostic: 'the transport returned no result for this recipient',
      remoteMta: null,
    }
    if (result.code !== null || result.status !== 'deferred') noReply = false
    const previous = outcomes[key]
    let outcome: RecipientOutcome = {
      status: result.status,
      code: result.code,
      enhancedStatus: result.enhancedStatus,
      diagnostic: result.diagnostic,
      remoteMta: result.remoteMta,
      at: now,
    }
    if (outcome.status === 'deferred' && expired) {
      const last = outcome.enhancedStatus.startsWith('4.') ? outcome.enhancedStatus : EXPIRED_STATUS
      outcome = {
        ...outcome,
        status: 'failed',
        enhancedStatus: last,
        diagnostic: `delivery time expired; last error: ${outcome.diagnostic}`,
      }
    }
    // A DSN mark belongs to a status: a deferred recipient keeps its delay report's mark.
    if (previous?.status === outcome.status && previous.dsn) outcome.dsn = previous.dsn
    if (outcome.status === 'failed' && wantsDsn(entry.sender, recipient.notify, 'failure')) outcome.dsn = 'owed'
    if (outcome.status === 'delivered' && wantsDsn(entry.sender, recipient.notify, 'success')) outcome.dsn = 'owed'
    if (previous?.report) outcome.report = previous.report
    outcomes[key] = outcome
    if (outcome.status === 'delivered') counts.delivered++
    else if (outcome.status === 'failed') counts.bounced++
    else counts.deferred++
  }

  const statuses = entry.recipients.map(r => outcomes[resultKey(r.address)]?.status ?? 'deferred')
  const anyDeferred = statuses.includes('deferred')

  // RFC 3461 §4.1 DELAY: one warning per entry once it has waited long enough.
  let delayNotified = entry.delayNotified
  if (anyDeferred && !delayNotified && policy.delayWarningMs > 0 && now - entry.createdAt >= policy.delayWarningMs) {
    delayNotified = true
    for (const recipient of entry.recipients) {
      const outcome = outcomes[resultKey(recipient.address)]
      if (outcome?.status === 'deferred' && wantsDsn(entry.sender, recipient.notify, 'delay')) outcome.dsn = 'owed'
    }
  }

  const state: QueueState = anyDeferred ? 'deferred' : statuses.every(s => s === 'delivered') ? 'delivered' : 'failed'
  const expiry = entry.createdAt + policy.maxAgeMs
  // The last retry lands on the expiry itself, so a recipient is never given up before its time.
  const nextAttemptAt = anyDeferred
    ? Math.min(now + retryDelayMs(entry.attempts, policy, random), Math.max(expiry, now))
    : now
  const firstProblem = entry.recipients
    .map(r => outcomes[resultKey(r.address)])
    .find(o => o !== undefined && o.status !== 'delivered')
  return {
    record: {
      id: entry.id,
      state,
      results: outcomes,
      nextAttemptAt,
      lastError: firstProblem
        ? `${firstProblem.code ?? ''} ${firstProblem.enhancedStatus} ${firstProblem.diagnostic}`.trim()
        : null,
      dsnPending: Object.values(outcomes).some(o => o.dsn === 'owed'),
      delayNotified,
      finishedAt: anyDeferred ? null : now,
      messageId,
    },
    counts,
    destinationDown: noReply,
  }
}
