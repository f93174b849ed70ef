// The web admin panel, mounted at /admin (DESIGN.md "Shape"): server-rendered stx pages styled by
// the embedded crosswind stylesheet; every form works without JavaScript. Order of the checks:
// static files and the login form are public; everything else needs a session (302 to the login
// form without one), and every POST behind it needs the session's CSRF token (403 without).
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ServerDeps } from '../core/server-deps.ts'
import type { BuildInfo } from '../core/version.ts'
import { type DkimKeySource, noDkimKeys } from '../domains/dkim-key-source.ts'
import type { ReadinessProbe } from '../observability/readiness.ts'
import type { AdminEnv, AdminServices } from './admin-services.ts'
import { type AdminSessionOptions, createAdminSessionStore } from './admin-sessions.ts'
import { createAdminUserRepository } from './admin-users.ts'
import { publicPage } from './page-response.ts'
import { createPageRenderer, TemplateError } from './render-page.ts'
import { requireSession } from './require-session.ts'
import { registerAccountRoutes } from './routes/account-routes.ts'
import { registerAliasRoutes } from './routes/alias-routes.ts'
import { registerAssetRoutes } from './routes/asset-routes.ts'
import { registerDashboardRoutes } from './routes/dashboard-routes.ts'
import { registerDomainRoutes } from './routes/domain-routes.ts'
import { registerLoginRoutes, registerLogoutRoute } from './routes/login-routes.ts'
import { notFoundPage } from './routes/not-found.ts'
import { registerQueueRoutes } from './routes/queue-routes.ts'
import { securityHeaders } from './security-headers.ts'
import { verifyCsrf } from './verify-csrf.ts'

/** Admin forms are a few fields; anything bigger is not ours. */
const MAX_FORM_BYTES = 64 * 1024

export interface AdminAppOptions {
  deps: ServerDeps
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
  sessions?: AdminSessionOptions
  dkimKeys?: DkimKeySource
}

/** The panel's routes, relative to /admin (mount with `app.route('/admin', createAdminApp(…))`). */
export function createAdminApp(options: AdminAppOptions): Hono<AdminEnv> {
  const { deps } = options
  const services: AdminServices = {
    deps,
    probes: options.probes,
    build: options.build,
    startedAt: options.startedAt,
    admins: createAdminUserRepository({ storage: deps.storage, clock: deps.clock }),
    sessions: createAdminSessionStore({ storage: deps.storage, clock: deps.clock, options: options.sessions }),
    renderer: createPageRenderer(),
    dkimKeys: options.dkimKeys ?? noDkimKeys,
  }
  const app = new Hono<AdminEnv>()
  app.use('*', securityHeaders)
  app.post('*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: c => c.text('form too large', 413) }))
  registerAssetRoutes(app)
  registerLoginRoutes(app, services)

  const signedIn = new Hono<AdminEnv>()
  signedIn.use('*', requireSession(services), verifyCsrf(services))
  registerLogoutRoute(signedIn, services)
  registerDashboardRoutes(signedIn, services)
  registerDomainRoutes(signedIn, services)
  registerAccountRoutes(signedIn, services)
  registerAliasRoutes(signedIn, services)
  registerQueueRoutes(signedIn, services)
  signedIn.all('*', c => notFoundPage(c, services))
  app.route('/', signedIn)

  app.onError((err, c) => {
    deps.logger.error('admin page failed', { path: c.req.path, error: err })
    return publicPage(
      c,
      services,
      'message',
      { title: 'Error', status: 500 },
      {
        heading: err instanceof TemplateError ? 'Page template error' : 'Something went wrong',
        text: 'The error was logged. Reload the page, or go back and try again.',
        backHref: '/admin',
        backLabel: 'Back to the dashboard',
      },
    ).catch(() => c.text('internal error', 500))
  })
  return app
}
