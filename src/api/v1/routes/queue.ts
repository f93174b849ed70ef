// Handlers for /queue: list, show, retry now, drop.
import type { z } from 'zod'
import { MailError } from '../../../core/errors.ts'
import type { QueuedMessage } from '../../../delivery/queue/outbound-queue.ts'
import { resultKey } from '../../../delivery/queue/queue-rows.ts'
import type { ApiServices } from '../api-services.ts'
import type { queueEntrySchema, queueOperations } from '../contract/queue.ts'
import { pageByKey } from '../pagination.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTime, isoTimeOrNull } from './iso-time.ts'

const unknownQueueEntry = (id: string) =>
  new MailError('user', `no queued message ${id}`, { http: 404, code: 'unknown_queue_entry' })

/** The spool path stays inside the server: clients see the envelope and the delivery state. */
export const queueEntryView = (m: QueuedMessage): z.input<typeof queueEntrySchema> => ({
  id: m.id,
  createdAt: isoTime(m.createdAt),
  sender: m.sender,
  domain: m.domain,
  recipients: m.recipients.map(r => {
    const outcome = m.results[resultKey(r.address)]
    return { address: r.address, status: outcome?.status ?? 'pending', diagnostic: outcome?.diagnostic ?? null }
  }),
  size: m.size,
  state: m.state,
  attempts: m.attempts,
  nextAttemptAt: isoTime(m.nextAttemptAt),
  lastAttemptAt: isoTimeOrNull(m.lastAttemptAt),
  lastError: m.lastError,
  accountId: m.accountId,
})

export function queueHandlers(services: ApiServices): HandlersFor<typeof queueOperations> {
  const { queue, storage } = services.deps
  return {
    async listQueue({ query }) {
      const all = await queue.list(query.state === undefined ? {} : { state: query.state })
      const page = pageByKey(all, m => m.id, query.limit, query.cursor)
      return { items: page.items.map(queueEntryView), nextCursor: page.nextCursor }
    },

    async getQueueEntry({ params }) {
      const entry = await queue.get(params.id)
      if (!entry) throw unknownQueueEntry(params.id)
      return queueEntryView(entry)
    },

    async retryQueueEntry({ params }, ctx) {
      if (!(await queue.retry(params.id))) {
        const entry = await queue.get(params.id)
        if (!entry) throw unknownQueueEntry(params.id)
        // Delivered or failed entries have nothing left to retry; in-flight ones are being tried.
        throw new MailError(
          'user',
          `queued message ${params.id} is ${entry.state}; only waiting entries can be retried`,
          {
            http: 409,
            code: 'not_retryable',
          },
        )
      }
      const entry = await queue.get(params.id)
      if (!entry) throw unknownQueueEntry(params.id)
      await storage.audit.record({ actor: ctx.actor, action: 'queue.retry', target: params.id })
      return queueEntryView(entry)
    },

    async dropQueueEntry({ params }, ctx) {
      if (!(await queue.remove(params.id))) throw unknownQueueEntry(params.id)
      await storage.audit.record({ actor: ctx.actor, action: 'queue.drop', target: params.id })
      return undefined
    },
  }
}
