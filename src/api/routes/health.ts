// /healthz: the process is up and its event loop answers (liveness; systemd and the deploy
// health check use it). /readyz: every dependency can serve traffic (DB writable, disk space,
// listeners bound) — 503 with the failing checks otherwise.
import { Hono } from 'hono'
import type { BuildInfo } from '../../core/version.ts'
import { type ReadinessProbe, runReadiness } from '../../observability/readiness.ts'

export interface HealthRouteDeps {
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
  now: () => number
}

export function healthRoutes(deps: HealthRouteDeps): Hono {
  const app = new Hono()
  app.get('/healthz', c =>
    c.json({
      status: 'ok',
      version: deps.build.version,
      commit: deps.build.commit,
      uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
    }),
  )
  app.get('/readyz', async c => {
    const report = await runReadiness(deps.probes)
    return c.json({ status: report.ok ? 'ready' : 'not ready', checks: report.checks }, report.ok ? 200 : 503)
  })
  return app
}
