// IMAP events for the process-wide metrics registry, created once per server and shared by both
// endpoints. Labels stay bounded: `endpoint` is imap/imaps, `command` a parsed command name (or
// "invalid"), `result` ok/no/bad.
import type { Counter, Gauge, MetricsRegistry } from '../../observability/metrics.ts'
import type { Tracer } from '../../observability/tracing/tracer.ts'

export type CommandOutcome = 'ok' | 'no' | 'bad'

export interface ImapMetrics {
  connections: Counter
  active: Gauge
  commands: Counter
  authFailures: Counter
  tracer: Tracer
}

export function createImapMetrics(registry: MetricsRegistry): ImapMetrics {
  return {
    connections: registry.counter('imap_connections_total', 'IMAP connections accepted, by endpoint'),
    active: registry.gauge('imap_active_connections', 'IMAP connections open now, by endpoint'),
    commands: registry.counter('imap_commands_total', 'IMAP commands answered, by command and result'),
    authFailures: registry.counter('auth_failures_total', 'Failed logins, by protocol'),
    tracer: registry.tracer,
  }
}
