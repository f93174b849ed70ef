// The queue runner's counters in the process registry (src/observability/metrics.ts). Depth and age
// are read at scrape time through queueStats() instead of being kept here.
import type { MetricsRegistry } from '../../observability/metrics.ts'

export function createQueueMetrics(registry: MetricsRegistry) {
  return {
    recipients: registry.counter(
      'outbound_recipients_total',
      'Outbound recipient outcomes per delivery attempt, by result (delivered, deferred, bounced)',
    ),
    dsn: registry.counter('outbound_dsn_total', 'Delivery status notifications sent, by action and destination'),
  }
}

export type QueueMetrics = ReturnType<typeof createQueueMetrics>
