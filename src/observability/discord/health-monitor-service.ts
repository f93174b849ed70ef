// The health monitor as a background service of `serve`: off unless monitoring.discordWebhookUrl
// (or the seed's DISCORD_WEBHOOK_URL) is set. It reads the same sources as /readyz and /metrics:
// the storage write check, the certificate store, the data directory's file system, the outbound
// queue and the protocols' connection gauges.
import type { Service } from '../../core/lifecycle.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { buildInfo } from '../../core/version.ts'
import { queueStats } from '../../delivery/queue/queue-stats.ts'
import { totalActiveConnections } from '../connection-count.ts'
import { readDiskStats } from '../disk-stats.ts'
import { createDiscordWebhook } from './discord-webhook.ts'
import { createHealthMonitor, type HealthMonitor, type HealthSources } from './health-monitor.ts'

export interface HealthMonitorServiceOptions {
  fetch?: typeof fetch
}

export function healthSourcesFrom(deps: ServerDeps): HealthSources {
  return {
    activeConnections: () => totalActiveConnections(deps.metrics),
    maxConnections: () => deps.config.limits.maxConnections,
    checkDatabase: () => deps.storage.checkWritable(),
    certificate: () => {
      const info = deps.certificates.info()
      return { notAfter: info.notAfter, subject: info.subject, source: info.source }
    },
    disk: () => readDiskStats(deps.config.dataDir),
    queue: async () => queueStats(deps.storage, deps.clock.now()),
  }
}

export function createHealthMonitorService(deps: ServerDeps, options: HealthMonitorServiceOptions = {}): Service {
  const settings = deps.config.monitoring
  let monitor: HealthMonitor | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  return {
    name: 'health-monitor',
    async start() {
      if (settings.discordWebhookUrl === '') return
      const webhook = createDiscordWebhook({
        url: settings.discordWebhookUrl,
        clock: deps.clock,
        sleep: ms => Bun.sleep(Math.max(0, ms)),
        logger: deps.logger,
        fetch: options.fetch,
        maxPerMinute: settings.maxMessagesPerMinute,
      })
      const { discordWebhookUrl: _url, ...thresholds } = settings
      monitor = createHealthMonitor({
        webhook,
        sources: healthSourcesFrom(deps),
        thresholds: () => thresholds,
        clock: deps.clock,
        serverName: deps.config.hostname,
        version: buildInfo().version,
        logger: deps.logger,
      })
      await monitor.start()
      const running = monitor
      timer = setInterval(() => void running.tick(), settings.checkIntervalSeconds * 1000)
      timer.unref?.()
      deps.logger.info('discord health monitor on', { checkIntervalSeconds: settings.checkIntervalSeconds })
    },
    async stop(graceMs) {
      if (timer) clearInterval(timer)
      timer = null
      const running = monitor
      monitor = null
      await running?.stop(graceMs)
    },
  }
}
