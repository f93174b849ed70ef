// Open connections per protocol, read from the gauges the protocol sessions keep (each session
// increments its gauge when it opens and decrements it when it closes). The health monitor and
// the `mail_active_connections` gauge both use this, so there is one count, not two.
import type { MetricsRegistry } from './metrics.ts'

/** Gauge each protocol keeps (src/smtp/session/smtp-metrics.ts, imap-metrics.ts, pop3-metrics.ts). */
export const ACTIVE_CONNECTION_GAUGES: Readonly<Record<string, string>> = {
  smtp: 'smtp_active_connections',
  imap: 'imap_active_connections',
  pop3: 'pop3_active_connections',
  managesieve: 'managesieve_active_connections',
}

export function activeConnectionsByProtocol(registry: MetricsRegistry): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [protocol, name] of Object.entries(ACTIVE_CONNECTION_GAUGES)) {
    const metric = registry.find(name)
    out[protocol] = metric?.type === 'gauge' ? metric.sum() : 0
  }
  return out
}

export const totalActiveConnections = (registry: MetricsRegistry): number =>
  Object.values(activeConnectionsByProtocol(registry)).reduce((a, b) => a + b, 0)
