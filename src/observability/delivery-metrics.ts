// Metrics the outbound delivery worker records. Registered here so /metrics lists them (with HELP
// and TYPE) before the first delivery; the delivery code gets the same instances by calling this
// with the process registry (the registry returns an existing metric for a known name).
import type { Histogram, MetricsRegistry } from './metrics.ts'

/** Seconds from the start of a delivery attempt to its final reply: MX lookup, connect, TLS, DATA. */
export const DELIVERY_DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

export interface DeliveryMetrics {
  /** Observe with labels { method: direct|ses|relay, result: delivered|deferred|bounced }. */
  duration: Histogram
}

export function deliveryMetrics(registry: MetricsRegistry): DeliveryMetrics {
  return {
    duration: registry.histogram(
      'mail_delivery_duration_seconds',
      'Outbound delivery attempt duration in seconds, by method and result',
      DELIVERY_DURATION_BUCKETS,
    ),
  }
}
