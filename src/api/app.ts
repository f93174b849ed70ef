// The one Hono app served by Bun.serve (DESIGN.md "Shape"): health now; /api/v1, /admin and /dav
// mount here as their issues land.
import { Hono } from 'hono'
import type { Logger } from '../core/logger.ts'
import { type HealthRouteDeps, healthRoutes } from './routes/health.ts'

export interface HttpAppDeps {
  logger: Logger
  health: HealthRouteDeps
}

export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono()
  app.route('/', healthRoutes(deps.health))
  app.notFound(c =>
    c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
  )
  app.onError((err, c) => {
    deps.logger.error('http handler failed', { path: c.req.path, error: err })
    return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500)
  })
  return app
}
