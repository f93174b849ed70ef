// GET /metrics: the process registry in the Prometheus text exposition format 0.0.4, after the
// scrape-time collectors ran. Open by default on the HTTP listener (what Prometheus setups expect);
// with metrics.bearerToken set, a scrape must send `Authorization: Bearer <token>` (Prometheus
// `authorization: { credentials: … }`), otherwise 401. metrics.enabled=false removes the route.
import type { Hono } from 'hono'
import { errorMessage } from '../../core/errors.ts'
import { digestsEqual } from '../../security/digests-equal.ts'
import { registerServerCollectors } from '../../observability/server-collectors.ts'
import type { HttpMountContext } from '../mounts.ts'

/** Prometheus text format content type (exposition formats, "Text-based format"). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')
  return match !== null && digestsEqual(match[1] as string, token)
}

export function metricsMount(app: Hono, context: HttpMountContext): void {
  const { deps } = context
  if (!deps.config.metrics.enabled) return
  registerServerCollectors(deps.metrics, {
    storage: deps.storage,
    certificates: deps.certificates,
    clock: deps.clock,
    build: context.build,
    startedAt: context.startedAt,
  })
  const logger = deps.logger.child({ component: 'metrics' })
  app.get('/metrics', async c => {
    const token = deps.config.metrics.bearerToken
    if (token !== '' && !bearerMatches(c.req.header('authorization'), token)) {
      c.header('www-authenticate', 'Bearer realm="metrics"')
      return c.text('unauthorized\n', 401)
    }
    const text = await deps.metrics.scrape((collector, error) =>
      logger.warn('metrics collector failed', { collector, error: errorMessage(error) }),
    )
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE })
  })
}
