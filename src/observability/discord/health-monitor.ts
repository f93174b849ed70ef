// The Discord health monitor (the seed's observability/discord.zig): posts when the server starts
// and stops, a heartbeat on an interval, and an alert per incident for connections near the limit,
// an unwritable database, an expiring certificate, a filling disk and an outbound queue backlog,
// with a "resolved" message when each clears (IncidentTracker). Checks run on tick(); the service
// calls tick() from a timer, tests call it after moving a manual clock.
import { hostname as osHostname } from 'node:os'
import type { Clock } from '../../core/clock.ts'
import { errorMessage } from '../../core/errors.ts'
import type { QueueStats } from '../../delivery/queue/queue-stats.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import type { DiskStats } from '../disk-stats.ts'
import { formatDuration, type HealthEmbed, webhookBody } from './discord-embed.ts'
import type { DiscordWebhook } from './discord-webhook.ts'
import {
  type AlertKind,
  type CertificateReading,
  type CheckResult,
  checkCertificate,
  checkConnections,
  checkDatabase,
  checkDisk,
  checkQueue,
  type HealthThresholds,
} from './health-checks.ts'
import { IncidentTracker } from './incident-tracker.ts'

/** Where the monitor reads the server's state; each reader may throw (counted as "unknown", not as healthy). */
export interface HealthSources {
  activeConnections(): number
  maxConnections(): number
  /** Throws when the database (or Maildir) cannot be written. */
  checkDatabase(): Promise<unknown>
  certificate(): CertificateReading
  disk(): Promise<DiskStats>
  queue(): Promise<QueueStats>
}

export interface HealthMonitorOptions {
  webhook: DiscordWebhook
  sources: HealthSources
  /** Read on every tick, so tests (and a future live reload) can change thresholds. */
  thresholds: () => HealthThresholds
  clock: Clock
  /** Shown in the footer and the startup message (the seed showed its domain there). */
  serverName: string
  version: string
  logger?: Logger
}

export interface HealthMonitor {
  /** Post "Server Started"; the heartbeat interval counts from here. */
  start(): Promise<void>
  /** Run every check once and post what changed; a heartbeat too when it is due. */
  tick(): Promise<void>
  /** Post "Server Shutting Down" and wait (at most graceMs) for queued posts to go out. */
  stop(graceMs: number): Promise<void>
}

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { webhook, sources, clock } = options
  const logger = (options.logger ?? silentLogger).child({ component: 'health-monitor' })
  const incidents = new IncidentTracker<AlertKind>()
  const machine = osHostname()
  let startedAt = clock.now()
  let lastHeartbeat = startedAt
  let databaseFailures = 0
  let databaseError: string | null = null
  let ticking: Promise<void> | null = null

  const post = (embed: HealthEmbed) => void webhook.post(webhookBody(embed, options.serverName, clock.date()))

  const apply = (result: CheckResult) => {
    const change = incidents.update(result.kind, result.level)
    if (change === 'opened' || change === 'escalated') {
      logger.warn('health alert', { kind: result.kind, level: result.level, title: result.alert.title })
      post(result.alert)
    } else if (change === 'resolved') {
      logger.info('health alert resolved', { kind: result.kind })
      post(result.resolved)
    }
  }

  /** A reader that fails leaves the incident as it is: no alert on a guess, no false all-clear. */
  const guarded = async (kind: AlertKind, run: () => Promise<CheckResult> | CheckResult) => {
    try {
      apply(await run())
    } catch (e) {
      logger.warn('health check could not run', { kind, error: errorMessage(e) })
    }
  }

  async function runChecks(): Promise<void> {
    const t = options.thresholds()
    await Promise.all([
      guarded('connections', () => checkConnections(sources.activeConnections(), sources.maxConnections(), t)),
      guarded('database', async () => {
        try {
          await sources.checkDatabase()
          databaseFailures = 0
          databaseError = null
        } catch (e) {
          databaseFailures++
          databaseError = errorMessage(e)
        }
        return checkDatabase({ consecutiveFailures: databaseFailures, lastError: databaseError }, t)
      }),
      guarded('certificate', () => checkCertificate(sources.certificate(), clock.now(), t)),
      guarded('disk', async () => checkDisk(await sources.disk(), t)),
      guarded('queue', async () => checkQueue(await sources.queue(), t)),
    ])
    const every = t.heartbeatIntervalSeconds * 1000
    if (every > 0 && clock.now() - lastHeartbeat >= every) {
      lastHeartbeat = clock.now()
      const open = incidents.openKinds()
      post({
        title: 'Heartbeat',
        description:
          open.length === 0 ? 'Server is healthy and running.' : `Server is running; open alerts: ${open.join(', ')}.`,
        color: open.length === 0 ? 'green' : 'orange',
        fields: [
          { name: 'Uptime', value: formatDuration((clock.now() - startedAt) / 1000) },
          { name: 'Connections', value: String(safe(() => sources.activeConnections())) },
        ],
      })
    }
  }

  const safe = (read: () => number) => {
    try {
      return read()
    } catch {
      return '?'
    }
  }

  return {
    async start() {
      startedAt = clock.now()
      lastHeartbeat = startedAt
      post({
        title: 'Server Started',
        description: 'Mail server is online and accepting connections.',
        color: 'green',
        fields: [
          { name: 'Domain', value: options.serverName },
          { name: 'Host', value: machine },
          { name: 'Max Connections', value: String(safe(() => sources.maxConnections())) },
          { name: 'Version', value: options.version },
        ],
      })
    },
    tick() {
      // A slow check (database lock, webhook back-off) must not pile up ticks behind it.
      ticking ??= runChecks().finally(() => {
        ticking = null
      })
      return ticking
    },
    async stop(graceMs) {
      await ticking
      post({
        title: 'Server Shutting Down',
        description: 'Mail server is stopping gracefully.',
        color: 'orange',
        fields: [{ name: 'Uptime', value: formatDuration((clock.now() - startedAt) / 1000) }],
      })
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<void>(resolve => {
        timer = setTimeout(resolve, graceMs)
      })
      await Promise.race([webhook.idle(), deadline])
      clearTimeout(timer)
    },
  }
}
