// Queue depth and age for /metrics and the health monitor (issue 7 §8): one aggregate query, so a
// scrape costs the same with a million retained entries as with none.
import { sql } from 'drizzle-orm'
import { outboundQueue } from '../../storage/db/schema-delivery.ts'
import type { Storage } from '../../storage/index.ts'
import { QUEUE_STATES, type QueueState } from './queue-state.ts'

export interface QueueStats {
  /** Entries still to deliver: queued, in-flight and deferred. */
  depth: number
  /** Seconds since the oldest of those was queued (0 when there is none). */
  oldestAgeSeconds: number
  /** Entries per state, the retained delivered/failed ones included. */
  byState: Record<QueueState, number>
}

export function queueStats(storage: Pick<Storage, 'db'>, nowMs: number = Date.now()): QueueStats {
  const rows = storage.db
    .select({
      state: outboundQueue.state,
      count: sql<number>`count(*)`,
      oldest: sql<number | null>`min(${outboundQueue.createdAt})`,
    })
    .from(outboundQueue)
    .groupBy(outboundQueue.state)
    .all()
  const byState = Object.fromEntries(QUEUE_STATES.map(s => [s, 0])) as Record<QueueState, number>
  let depth = 0
  let oldest: number | null = null
  for (const row of rows) {
    if (row.state in byState) byState[row.state as QueueState] = row.count
    if (row.state === 'delivered' || row.state === 'failed') continue
    depth += row.count
    if (row.oldest !== null && (oldest === null || row.oldest < oldest)) oldest = row.oldest
  }
  return { depth, oldestAgeSeconds: oldest === null ? 0 : Math.max(0, Math.floor((nowMs - oldest) / 1000)), byState }
}
