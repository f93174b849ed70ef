// Inbound DSNs about our own messages (issue 7 §5): when a remote MTA accepted a message and later
// reports on it (a late bounce, a delay, a success report for NOTIFY=SUCCESS), the report arrives
// like any mail, from `<>`, to our sender. The inbound pipeline delivers it to the sender as usual
// and hands it here; we find the queue entry by the returned message's Message-ID (or the ENVID
// we passed on) and record the per-recipient Action/Status against it, for `queue show` and the API.
import { errorMessage } from '../../core/errors.ts'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import type { OutboundQueue } from '../queue/outbound-queue.ts'
import { parseDsn } from './parse-dsn.ts'

export interface InboundDsnDeps {
  queue: Pick<OutboundQueue, 'findForReport' | 'recordReport'>
  clock: Clock
  logger: Logger
}

/** Record what the report says; returns how many recipients were matched (0: not about our mail). */
export async function recordInboundDsn(deps: InboundDsnDeps, message: Uint8Array): Promise<number> {
  try {
    const dsn = await parseDsn(message)
    if (!dsn) return 0
    // The returned Message-ID identifies the message; an ENVID is the submitter's and may repeat,
    // so it is only used when the report returns no headers.
    const entries = dsn.originalMessageId
      ? deps.queue.findForReport({ messageId: dsn.originalMessageId })
      : deps.queue.findForReport({ envid: dsn.envid })
    let matched = 0
    for (const r of dsn.recipients) {
      const candidates = [r.finalRecipient, r.originalRecipient].filter((a): a is string => a !== null)
      for (const entry of entries) {
        const address = entry.recipients.find(q => candidates.some(c => c.toLowerCase() === q.address.toLowerCase()))
        if (!address) continue
        const report = {
          action: r.action,
          status: r.status,
          diagnostic: r.diagnostic,
          reportingMta: dsn.reportingMta,
          at: deps.clock.now(),
        }
        if (deps.queue.recordReport(entry.id, address.address, report)) {
          matched++
          deps.logger.info('DSN received for a queued message', { id: entry.id, action: r.action, status: r.status })
        }
        break
      }
    }
    return matched
  } catch (e) {
    deps.logger.warn('could not record a received DSN', { error: errorMessage(e) })
    return 0
  }
}
