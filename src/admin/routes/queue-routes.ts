// The outbound queue: entries still to deliver (or all, with ?all), retry now, drop.
import type { Hono } from 'hono'
import { MailError } from '../../core/errors.ts'
import type { QueueState } from '../../delivery/queue/queue-state.ts'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { type Badge, badge } from '../class-names.ts'
import { formatBytes, formatNumber, formatTime } from '../display-format.ts'
import { adminActor, formAction } from '../form-action.ts'
import { sessionPage } from '../page-response.ts'

const LIST_PATH = '/admin/queue'
/** Rows shown at most; a bigger queue is a job for the CLI or the API. */
const MAX_ROWS = 500

const STATE_BADGES: Record<QueueState, Badge> = {
  queued: badge('queued', 'blue'),
  'in-flight': badge('in flight', 'blue'),
  deferred: badge('deferred', 'yellow'),
  delivered: badge('delivered', 'green'),
  failed: badge('failed', 'red'),
}

const unknownEntry = (id: string) =>
  new MailError('user', `queue entry ${id} is not waiting for delivery (delivered, failed, in flight or gone)`, {
    code: 'unknown_queue_entry',
  })

export function registerQueueRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const { queue } = services.deps

  app.get('/queue', async c => {
    const all = c.req.query('all') !== undefined
    const entries = await queue.list({ includeFinished: all, limit: MAX_ROWS + 1 })
    const shown = entries.slice(0, MAX_ROWS)
    const path = (id: string) => `${LIST_PATH}/${encodeURIComponent(id)}`
    return sessionPage(
      c,
      services,
      'queue',
      { title: 'Queue', section: 'queue' },
      {
        summary: all
          ? `All entries, delivered and failed ones included (${formatNumber(shown.length)} shown).`
          : `Entries still to deliver: ${formatNumber(shown.length)}.`,
        showAllHref: all ? LIST_PATH : `${LIST_PATH}?all`,
        showAllLabel: all ? 'Show only waiting entries' : 'Include delivered and failed entries',
        entries: shown.map(e => ({
          id: e.id,
          createdAt: formatTime(e.createdAt),
          sender: e.sender === '' ? '<> (bounce)' : e.sender,
          recipients: e.recipients.map(r => r.address).join(', '),
          size: formatBytes(e.size),
          badge: STATE_BADGES[e.state] ?? badge(e.state, 'gray'),
          attempts: `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`,
          lastError: e.lastError ?? '',
          nextAttemptAt: e.state === 'queued' || e.state === 'deferred' ? formatTime(e.nextAttemptAt) : '',
          actions: { retry: `${path(e.id)}/retry`, drop: `${path(e.id)}/drop` },
        })),
        truncated: entries.length > MAX_ROWS ? `Only the first ${MAX_ROWS} entries are shown.` : '',
      },
    )
  })

  app.post('/queue/:id/retry', c => {
    const id = c.req.param('id')
    return formAction(c, services, LIST_PATH, async () => {
      if (!(await queue.retry(id))) throw unknownEntry(id)
      await services.deps.storage.audit.record({ actor: adminActor(c), action: 'queue.retry', target: id })
      return `Entry ${id} will be tried again now.`
    })
  })

  app.post('/queue/:id/drop', c => {
    const id = c.req.param('id')
    return formAction(c, services, LIST_PATH, async () => {
      const entry = await queue.get(id)
      // The delivery worker holds in-flight entries; dropping one under it would race the attempt.
      if (entry?.state === 'in-flight')
        throw new MailError('user', `queue entry ${id} is being delivered right now; try again in a moment`, {
          code: 'queue_entry_busy',
        })
      if (!entry || !(await queue.remove(id))) throw unknownEntry(id)
      await services.deps.storage.audit.record({ actor: adminActor(c), action: 'queue.drop', target: id })
      return `Dropped entry ${id}; it will not be delivered.`
    })
  })
}
