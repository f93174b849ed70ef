// The admin session cookie (and the login form's CSRF cookie). HttpOnly: scripts never see them;
// SameSite=Strict: no other site's page can make the browser send them (RFC 6265bis §5.4.7);
// Secure when the request came over TLS, so the cookie never travels in clear afterwards; Path
// limits them to the panel. No Max-Age: the server ends sessions (admin-sessions.ts), and the
// browser forgets the cookie when it closes.
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

export const SESSION_COOKIE = 'mail_admin_session'
/** Double-submit token of the login form, which has no session to hold a CSRF token yet. */
export const LOGIN_CSRF_COOKIE = 'mail_admin_login'

const overTls = (c: Context) => new URL(c.req.url).protocol === 'https:'

const attributes = (c: Context, path: string) =>
  ({ path, httpOnly: true, sameSite: 'Strict', secure: overTls(c) }) as const

export const readCookie = (c: Context, name: string): string => getCookie(c, name) ?? ''

export function writeSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, attributes(c, '/admin'))
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, attributes(c, '/admin'))
}

export function writeLoginCsrfCookie(c: Context, token: string): void {
  setCookie(c, LOGIN_CSRF_COOKIE, token, attributes(c, '/admin/login'))
}

export function clearLoginCsrfCookie(c: Context): void {
  deleteCookie(c, LOGIN_CSRF_COOKIE, attributes(c, '/admin/login'))
}
