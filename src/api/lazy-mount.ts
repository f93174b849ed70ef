// A mount whose code loads on the first request under its paths. The REST API (zod schemas and the
// OpenAPI document), the admin UI (stx templates) and DAV (xmldom, ical.js) together cost more idle
// memory than the whole mail server; most servers see an admin request a few times a day, so they
// pay for that code only once it is used (issue 3: idle RSS < 60 MB). The build splits each
// dynamic import into its own chunk (build.ts --splitting), so nothing of it is even parsed before.
import { type Context, Hono } from 'hono'
import type { HttpMount, HttpMountContext } from './mounts.ts'

export interface LazyMountOptions {
  /** Path prefixes the mount serves, each matched exactly and with anything below it. */
  paths: readonly string[]
  /** Single routes outside those prefixes (DAV answers PROPFIND on `/` for discovery). */
  routes?: readonly { method: string; path: string }[]
  /** Loads the real mount (a dynamic import, so the bundler puts it in its own chunk). */
  load: () => Promise<HttpMount>
}

export function lazyMount(options: LazyMountOptions): HttpMount {
  return (app: Hono, context: HttpMountContext) => {
    let loaded: Promise<Hono> | null = null
    const subApp = () => {
      loaded ??= options.load().then(mount => {
        const sub = new Hono()
        mount(sub, context)
        // The same 404 and 500 bodies as the main app (src/api/app.ts) for paths the mount leaves open.
        sub.notFound(c =>
          c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
        )
        sub.onError((err, c) => {
          context.deps.logger.error('http handler failed', { path: c.req.path, error: err })
          return c.json({ error: { code: 'internal', message: 'internal server error' } }, 500)
        })
        return sub
      })
      // A failed import is not cached: the next request tries again (and logs again).
      loaded.catch(() => {
        loaded = null
      })
      return loaded
    }
    // c.env carries Bun's server object, which the mounted routes need for the client address.
    const forward = async (c: Context) => (await subApp()).fetch(c.req.raw, c.env)
    for (const path of options.paths) {
      app.all(path, forward)
      app.all(`${path}/*`, forward)
    }
    for (const route of options.routes ?? []) app.on(route.method, route.path, forward)
  }
}
