// POP3 events for the process-wide metrics registry. Created once per server and shared by the two
// listeners. auth_failures_total is the same counter SMTP and IMAP count into, labelled by protocol.
import type { Counter, Gauge, MetricsRegistry } from '../../observability/metrics.ts'

export interface Pop3Metrics {
  connections: Counter
  active: Gauge
  retrieved: Counter
  bytesSent: Counter
  authFailures: Counter
}

export function createPop3Metrics(registry: MetricsRegistry): Pop3Metrics {
  return {
    connections: registry.counter('pop3_connections_total', 'POP3 connections accepted'),
    active: registry.gauge('pop3_active_connections', 'POP3 connections open now'),
    retrieved: registry.counter('pop3_retr_total', 'Messages sent in full by RETR'),
    bytesSent: registry.counter('pop3_bytes_sent_total', 'Bytes written to POP3 clients'),
    authFailures: registry.counter('auth_failures_total', 'Failed logins, by protocol'),
  }
}
