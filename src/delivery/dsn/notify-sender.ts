// Turns the DSNs a queue entry owes (RecipientOutcome.dsn === 'owed') into one RFC 3464 report to
// the envelope sender, then marks them sent. Called right after an attempt is recorded, and at
// start-up for entries whose DSN was owed when the process died (dsn_pending), so a recorded
// failure always reaches the sender: at most a duplicate report after a crash, never none.
import { newId } from '../../core/ids.ts'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import type { Storage } from '../../storage/index.ts'
import type { OutboundQueue } from '../queue/outbound-queue.ts'
import { type QueuedMessage, resultKey } from '../queue/queue-rows.ts'
import { buildDsn, type DsnAction, type DsnRecipient } from './build-dsn.ts'
import { type DsnDestination, deliverDsn } from './deliver-dsn.ts'

export interface SenderNotifierDeps {
  storage: Pick<Storage, 'resolveRecipient' | 'messages'>
  queue: Pick<OutboundQueue, 'enqueue' | 'markDsnSent'>
  logger: Logger
  clock: Clock
  /** Reporting-MTA and the DSN's From: domain. */
  hostname: string
  /** Larger originals are returned as headers only (RFC 3461 §4.3 leaves the choice to us). */
  maxOriginalBytes: number
  /** When deferred recipients of this entry will be given up (Will-Retry-Until). */
  expiresAt(entry: QueuedMessage): number
  /** Called once per DSN sent, by its main action (failed, delayed, relayed). */
  onSent?(action: DsnAction, destination: DsnDestination): void
}

export interface SenderNotifier {
  /** Send what `entry` owes; a no-op when nothing is owed. Throws when the DSN could not be stored. */
  notify(entry: QueuedMessage): Promise<void>
}

const ACTIONS = { failed: 'failed', deferred: 'delayed', delivered: 'relayed' } as const

export function createSenderNotifier(deps: SenderNotifierDeps): SenderNotifier {
  const readOriginal = async (path: string): Promise<Uint8Array | null> => {
    try {
      return await Bun.file(path).bytes()
    } catch {
      return null
    }
  }

  return {
    async notify(entry) {
      const owed = entry.recipients.filter(r => entry.results[resultKey(r.address)]?.dsn === 'owed')
      if (owed.length === 0) return
      const addresses = owed.map(r => r.address)
      // RFC 5321 §4.5.5: nothing ever goes to the null reverse-path (wantsDsn never owes one; rows
      // edited by hand might).
      if (entry.sender === '') {
        deps.queue.markDsnSent(entry.id, addresses)
        return
      }
      const recipients: DsnRecipient[] = owed.map(r => {
        const outcome = entry.results[resultKey(r.address)]
        const action: DsnAction = outcome ? ACTIONS[outcome.status] : 'failed'
        return {
          finalRecipient: r.address,
          originalRecipient: r.orcpt,
          action,
          status: outcome?.enhancedStatus ?? '4.0.0',
          remoteMta: outcome?.remoteMta ?? null,
          diagnostic: outcome ? { code: outcome.code, text: outcome.diagnostic } : null,
          lastAttemptDate: outcome ? new Date(outcome.at) : null,
          willRetryUntil: action === 'delayed' ? new Date(deps.expiresAt(entry)) : null,
        }
      })
      const failed = recipients.some(r => r.action === 'failed')
      const original = await readOriginal(entry.spoolPath)
      // RFC 3461 §4.3: RET=HDRS → headers only; RET=FULL → the whole message; no RET → the whole
      // message for failures, headers for delay and success reports. Past the size limit, headers.
      const wantsFull = entry.ret === 'FULL' || (entry.ret === null && failed)
      const full = wantsFull && original !== null && original.length <= deps.maxOriginalBytes
      const dsn = buildDsn({
        reportingMta: deps.hostname,
        to: entry.sender,
        envid: entry.envid,
        arrivalDate: new Date(entry.createdAt),
        date: deps.clock.date(),
        messageId: `<${newId('dsn')}@${deps.hostname}>`,
        recipients,
        original,
        returnContent: full ? 'full' : 'headers',
      })
      const destination = await deliverDsn(deps, entry.sender, dsn)
      deps.queue.markDsnSent(entry.id, addresses)
      const main = failed ? 'failed' : recipients.some(r => r.action === 'delayed') ? 'delayed' : 'relayed'
      deps.onSent?.(main, destination)
      deps.logger.info('DSN sent', { id: entry.id, action: main, recipients: owed.length, destination })
    },
  }
}
