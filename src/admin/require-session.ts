// Every admin page but the login form and the static files needs a session: without one (or with
// an expired one) the browser is sent to the login form with a 302, for GET and POST alike.
import type { MiddlewareHandler } from 'hono'
import type { AdminEnv, AdminServices } from './admin-services.ts'
import { clearSessionCookie, readCookie, SESSION_COOKIE } from './session-cookie.ts'

export const LOGIN_PATH = '/admin/login'

export function requireSession(services: AdminServices): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = readCookie(c, SESSION_COOKIE)
    const session = token === '' ? null : services.sessions.resolve(token)
    if (!session) {
      if (token !== '') clearSessionCookie(c)
      return c.redirect(LOGIN_PATH, 302)
    }
    c.set('session', session)
    await next()
  }
}
