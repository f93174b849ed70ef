// Sign-in and sign-out. The login form has no session yet, so its CSRF token is a double-submit
// cookie (the form field must equal a cookie set with the form). Failed sign-ins are counted by
// the shared login throttle (per client address and per admin name) before the password is even
// checked, so a guesser stops costing an Argon2id verification per try.
import type { Context, Hono } from 'hono'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { clientAddress } from '../client-address.ts'
import { formFields } from '../form-fields.ts'
import { publicPage } from '../page-response.ts'
import { LOGIN_PATH } from '../require-session.ts'
import { randomToken, secretsEqual } from '../secret-token.ts'
import {
  clearLoginCsrfCookie,
  clearSessionCookie,
  LOGIN_CSRF_COOKIE,
  readCookie,
  SESSION_COOKIE,
  writeLoginCsrfCookie,
  writeSessionCookie,
} from '../session-cookie.ts'
import { CSRF_FIELD, csrfRejected, sameOrigin } from '../verify-csrf.ts'

/** Throttle key of an admin name: apart from mail accounts of the same spelling. */
const throttleKey = (username: string) => `admin:${username.trim().toLowerCase()}`

function loginPage(
  c: Context,
  services: AdminServices,
  view: { error?: string; notice?: string; username?: string; status?: 200 | 429 },
): Promise<Response> {
  const csrf = randomToken()
  writeLoginCsrfCookie(c, csrf)
  return publicPage(
    c,
    services,
    'login',
    { title: 'Sign in', status: view.status ?? 200 },
    { csrf, error: view.error ?? '', notice: view.notice ?? '', typedUsername: view.username ?? '' },
  )
}

/** Public: GET/POST /admin/login. */
export function registerLoginRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const { loginThrottle, logger } = services.deps

  app.get('/login', async c => {
    if (services.sessions.resolve(readCookie(c, SESSION_COOKIE))) return c.redirect('/admin', 302)
    const signedOut = c.req.query('signed-out') !== undefined
    return loginPage(c, services, { notice: signedOut ? 'You are signed out.' : '' })
  })

  app.post('/login', async c => {
    const form = await formFields(c)
    const expected = readCookie(c, LOGIN_CSRF_COOKIE)
    const sent = form[CSRF_FIELD] ?? ''
    if (!sameOrigin(c) || expected === '' || sent === '' || !secretsEqual(sent, expected))
      return csrfRejected(c, services)

    const username = (form.username ?? '').trim()
    const password = form.password ?? ''
    const ip = clientAddress(c)
    const decision = loginThrottle.check(ip, throttleKey(username))
    if (!decision.allowed) {
      const seconds = Math.ceil(decision.retryAfterMs / 1000)
      c.header('Retry-After', String(seconds))
      logger.warn('admin login throttled', { ip, username })
      return loginPage(c, services, {
        status: 429,
        username,
        error: `Too many failed sign-ins. Try again in ${seconds} s.`,
      })
    }
    const admin = username === '' || password === '' ? null : await services.admins.verify(username, password)
    if (!admin) {
      loginThrottle.recordFailure(ip, throttleKey(username))
      logger.warn('admin login failed', { ip, username })
      return loginPage(c, services, { username, error: 'Wrong username or password.' })
    }
    loginThrottle.recordSuccess(ip, throttleKey(username))
    services.sessions.purgeExpired()
    // A new token at every sign-in: a token planted before login is worth nothing after it.
    const { token } = services.sessions.create(admin.id)
    writeSessionCookie(c, token)
    clearLoginCsrfCookie(c)
    logger.info('admin signed in', { ip, username: admin.username })
    return c.redirect('/admin', 303)
  })
}

/** Behind the session and CSRF checks: POST /admin/logout. */
export function registerLogoutRoute(app: Hono<AdminEnv>, services: AdminServices): void {
  app.post('/logout', c => {
    services.sessions.destroy(readCookie(c, SESSION_COOKIE))
    clearSessionCookie(c)
    return c.redirect(`${LOGIN_PATH}?signed-out`, 303)
  })
}
