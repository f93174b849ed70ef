// The one Hono app served by Bun.serve (DESIGN.md "Shape"): health, then every mount in ./mounts.ts
// (/api/v1, /admin, /dav, /metrics, autoconfig).
import { Hono } from 'hono'
import { type HttpMount, type HttpMountContext, httpMounts } from './mounts.ts'
import { healthRoutes } from './routes/health.ts'

export function createHttpApp(context: HttpMountContext, mounts: readonly HttpMount[] = httpMounts): Hono {
  const { deps } = context
  const app = new Hono()
  app.route(
    '/',
    healthRoutes({
      probes: context.probes,
      build: context.build,
      startedAt: context.startedAt,
      now: () => deps.clock.now(),
    }),
  )
  for (const mount of mounts) mount(app, context)
  app.notFound(c =>
    c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  )
  app.onError((err, c) => {
    deps.logger.error('http handler failed', { path: c.req.path, error: err })
    return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500)
  })
  return app
}
