// The health monitor's checks as pure functions: a reading plus the configured thresholds in, a
// level (ok / warning / critical) and the two messages that go with it out: the alert, posted when
// an incident opens or escalates, and the all-clear, posted when it resolves. Titles and texts
// follow the seed's monitor (observability/discord.zig).
import type { Config } from '../../config/schema.ts'
import type { QueueStats } from '../../delivery/queue/queue-stats.ts'
import type { DiskStats } from '../disk-stats.ts'
import { formatBytes, formatDuration, formatPercent, type HealthEmbed } from './discord-embed.ts'
import type { AlertLevel } from './incident-tracker.ts'

export type AlertKind = 'connections' | 'database' | 'certificate' | 'disk' | 'queue'

export type HealthThresholds = Omit<Config['monitoring'], 'discordWebhookUrl'>

export interface CheckResult {
  kind: AlertKind
  level: AlertLevel
  alert: HealthEmbed
  resolved: HealthEmbed
}

const DAY_MS = 86_400_000

/** Critical never below warning, whatever the configuration says. */
const levelFor = (value: number, warn: number, critical: number, higherIsWorse = true): AlertLevel => {
  const bad = (limit: number) => (higherIsWorse ? value >= limit : value <= limit)
  const crit = higherIsWorse ? Math.max(warn, critical) : Math.min(warn, critical)
  if (bad(crit)) return 'critical'
  return bad(warn) ? 'warning' : 'ok'
}

export function checkConnections(active: number, maxConnections: number, t: HealthThresholds): CheckResult {
  const percent = maxConnections > 0 ? (active / maxConnections) * 100 : 0
  const level = levelFor(percent, t.connectionsWarnPercent, t.connectionsCriticalPercent)
  const fields = [
    { name: 'Active', value: String(active) },
    { name: 'Max', value: String(maxConnections) },
    { name: 'Usage', value: formatPercent(percent) },
  ]
  return {
    kind: 'connections',
    level,
    alert: {
      title: level === 'critical' ? 'Connection Capacity Critical' : 'Connection Capacity Warning',
      description: 'Open connections are approaching limits.maxConnections; new clients will be turned away.',
      color: level === 'critical' ? 'red' : 'orange',
      fields,
    },
    resolved: {
      title: 'Connection Capacity Normal',
      description: 'Open connections are back below the threshold.',
      color: 'green',
      fields,
    },
  }
}

export interface DatabaseReading {
  consecutiveFailures: number
  lastError: string | null
}

export function checkDatabase(reading: DatabaseReading, t: HealthThresholds): CheckResult {
  const level: AlertLevel = reading.consecutiveFailures >= t.databaseFailuresBeforeAlert ? 'critical' : 'ok'
  return {
    kind: 'database',
    level,
    alert: {
      title: 'Database Unreachable',
      description: 'Cannot write to mail.db or the Maildir. Mail delivery and authentication may be impacted.',
      color: 'red',
      fields: [
        { name: 'Consecutive Failures', value: String(reading.consecutiveFailures) },
        { name: 'Error', value: reading.lastError ?? 'unknown', inline: false },
      ],
    },
    resolved: { title: 'Database Recovered', description: 'Database is accessible again.', color: 'green' },
  }
}

export interface CertificateReading {
  notAfter: Date
  subject: string
  source: string
}

export function checkCertificate(cert: CertificateReading, nowMs: number, t: HealthThresholds): CheckResult {
  const daysLeft = Math.floor((cert.notAfter.getTime() - nowMs) / DAY_MS)
  const level = levelFor(daysLeft, t.certificateWarnDays, t.certificateCriticalDays, false)
  const fields = [
    { name: 'Days Remaining', value: String(daysLeft) },
    { name: 'Expires', value: cert.notAfter.toISOString() },
    { name: 'Certificate', value: cert.source, inline: false },
  ]
  return {
    kind: 'certificate',
    level,
    alert:
      level === 'critical'
        ? {
            title: 'TLS Certificate Expiring Soon!',
            description: 'The TLS certificate is about to expire. Renew immediately to avoid service disruption.',
            color: 'red',
            fields,
          }
        : {
            title: 'TLS Certificate Expiry Warning',
            description: 'The TLS certificate will expire soon. Plan for renewal.',
            color: 'orange',
            fields,
          },
    resolved: {
      title: 'TLS Certificate Renewed',
      description: `Valid for ${daysLeft} more days.`,
      color: 'green',
      fields,
    },
  }
}

export function checkDisk(disk: DiskStats, t: HealthThresholds): CheckResult {
  const level = levelFor(disk.usedPercent, t.diskWarnPercent, t.diskCriticalPercent)
  const fields = [
    { name: 'Usage', value: formatPercent(disk.usedPercent) },
    { name: 'Free', value: formatBytes(disk.freeBytes) },
  ]
  return {
    kind: 'disk',
    level,
    alert:
      level === 'critical'
        ? {
            title: 'Disk Space Critical',
            description: 'Server disk is almost full. Mail delivery may fail.',
            color: 'red',
            fields,
          }
        : { title: 'Disk Space Warning', description: 'Server disk usage is high.', color: 'orange', fields },
    resolved: {
      title: 'Disk Space Normal',
      description: 'Disk usage is back below the threshold.',
      color: 'green',
      fields,
    },
  }
}

export function checkQueue(queue: QueueStats, t: HealthThresholds): CheckResult {
  const backlog = queue.depth >= t.queueBacklogMessages || queue.oldestAgeSeconds >= t.queueMaxAgeMinutes * 60
  const fields = [
    { name: 'Messages', value: String(queue.depth) },
    { name: 'Oldest', value: formatDuration(queue.oldestAgeSeconds) },
  ]
  return {
    kind: 'queue',
    level: backlog ? 'warning' : 'ok',
    alert: {
      title: 'Outbound Queue Backlog',
      description: 'Outbound mail is piling up; remote servers may be refusing or unreachable.',
      color: 'orange',
      fields,
    },
    resolved: {
      title: 'Outbound Queue Cleared',
      description: 'The outbound queue is back to normal.',
      color: 'green',
      fields,
    },
  }
}
