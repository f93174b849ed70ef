// Mounts CalDAV/CardDAV on the one Hono app (DESIGN.md "Shape"):
//   /.well-known/caldav, /.well-known/carddav → 301 to /dav/ (RFC 6764 §5), any method, no auth;
//   /dav and everything below                 → the DAV handler (dav-handler.ts);
//   PROPFIND /                                → the DAV root, for clients given only the server URL.
// The repository, credential cache and settings are built here once per app, not kept in globals.
import type { Context, Hono } from 'hono'
import { getConnInfo } from 'hono/bun'
import type { HttpMount } from '../api/mounts.ts'
import type { ServerDeps } from '../core/server-deps.ts'
import { createDavRepository } from '../storage/repositories/dav/dav-repository.ts'
import type { ConnectionInfo } from './auth/authenticate-request.ts'
import { createCredentialCache } from './auth/credential-cache.ts'
import type { DavServices } from './dav-context.ts'
import { createDavHandler, type DavHandler } from './dav-handler.ts'
import { DAV_ROOT } from './dav-paths.ts'

export function davServicesFrom(deps: ServerDeps): DavServices {
  const dav = deps.config.dav
  return {
    repo: createDavRepository({ db: deps.storage.db, clock: deps.clock }),
    accounts: deps.storage.accounts,
    throttle: deps.loginThrottle,
    credentials: createCredentialCache({ clock: deps.clock, ttlMs: dav.credentialCacheSeconds * 1000 }),
    logger: deps.logger.child({ component: 'dav' }),
    clock: deps.clock,
    settings: { maxResourceSize: dav.maxResourceSize, allowInsecureAuth: dav.allowInsecureAuth },
  }
}

function connectionOf(c: Context): ConnectionInfo {
  let ip = ''
  try {
    ip = getConnInfo(c).remote.address ?? ''
  } catch {
    // Not served by Bun.serve (app.request in tests): unknown address, treated as remote.
  }
  return { ip, secure: new URL(c.req.url).protocol === 'https:' }
}

/** Register the DAV routes on `app` with an already built handler (tests and the bench use this). */
export function registerDavRoutes(app: Hono, handler: DavHandler): void {
  for (const service of ['caldav', 'carddav']) {
    app.all(`/.well-known/${service}`, c => c.redirect(DAV_ROOT, 301))
  }
  const serve = (c: Context) => handler(c.req.raw, connectionOf(c))
  app.all('/dav', serve)
  app.all('/dav/*', serve)
  app.on('PROPFIND', '/', serve)
}

export const davMount: HttpMount = (app, { deps }) => {
  if (!deps.config.dav.enabled) return
  registerDavRoutes(app, createDavHandler(davServicesFrom(deps)))
}
