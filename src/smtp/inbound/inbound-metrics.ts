// The pipeline's counters, registered in the one process registry (src/observability/metrics.ts).
// `smtp_rejections_total{port,reason}` is shared with the session, which counts protocol-level
// refusals under the same name.
import type { MetricsRegistry } from '../../observability/metrics.ts'

export function createInboundMetrics(registry: MetricsRegistry) {
  return {
    rejections: registry.counter('smtp_rejections_total', 'SMTP commands or messages refused, by port and reason'),
    delivered: registry.counter(
      'smtp_messages_delivered_total',
      'Messages at the end of DATA, by result (delivered, quarantined, rejected, deferred)',
    ),
    authResults: registry.counter(
      'smtp_auth_results_total',
      'Sender authentication verdicts of incoming mail, by method (spf, dkim, dmarc, arc) and result',
    ),
  }
}

export type InboundMetrics = ReturnType<typeof createInboundMetrics>
