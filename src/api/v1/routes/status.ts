// Handlers for /status, /stats and /openapi.json.
import { runReadiness } from '../../../observability/readiness.ts'
import type { ApiServices } from '../api-services.ts'
import type { statusOperations } from '../contract/status.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTime, isoTimeOrNull } from './iso-time.ts'
import { serverStats } from './server-stats.ts'

export function statusHandlers(services: ApiServices): HandlersFor<typeof statusOperations> {
  const { config, clock, storage } = services.deps
  return {
    async getOpenApiDocument() {
      return services.openApiDocument as unknown as Record<string, unknown>
    },

    async getStatus() {
      const report = await runReadiness(services.probes)
      return {
        status: report.ok ? 'ok' : 'degraded',
        version: services.build.version,
        commit: services.build.commit,
        hostname: config.hostname,
        profile: config.profile,
        startedAt: isoTime(services.startedAt),
        uptimeSeconds: Math.max(0, Math.floor((clock.now() - services.startedAt) / 1000)),
        checks: report.checks,
      }
    },

    async getStats() {
      const stats = serverStats(storage.db)
      return { ...stats, queue: { ...stats.queue, oldestCreatedAt: isoTimeOrNull(stats.queue.oldestCreatedAt) } }
    },
  }
}
