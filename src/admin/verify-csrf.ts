// CSRF defence for the admin forms (OWASP CSRF Prevention Cheat Sheet): every state-changing
// request carries the session's synchronizer token in the `_csrf` field (or an X-CSRF-Token
// header), and a request whose Origin names another site is refused outright. SameSite=Strict on
// the cookie is the second line. A missing or wrong token is a 403 page, and nothing changes.
import type { Context, MiddlewareHandler } from 'hono'
import type { AdminEnv, AdminServices } from './admin-services.ts'
import { formFields } from './form-fields.ts'
import { publicPage } from './page-response.ts'
import { secretsEqual } from './secret-token.ts'

export const CSRF_FIELD = '_csrf'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** False when the request says it comes from a page of another origin (RFC 6454 §7). */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) return true // not sent by older browsers for same-origin posts
  if (origin === 'null') return false // sandboxed or privacy-redirected: never our own page
  try {
    // Compare host:port only: behind a TLS-terminating proxy the scheme the server sees differs.
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host)
  } catch {
    return false
  }
}

/** The token the request carries: form field first, then header. */
export async function submittedCsrfToken(c: Context): Promise<string> {
  const fields = await formFields(c)
  return fields[CSRF_FIELD] ?? c.req.header('x-csrf-token') ?? ''
}

export function csrfRejected(c: Context, services: AdminServices): Promise<Response> {
  return publicPage(
    c,
    services,
    'message',
    { title: 'Request refused', status: 403 },
    {
      heading: 'Request refused',
      text: 'The form was missing its security token or came from another site. Reload the page and try again.',
      backHref: '/admin',
      backLabel: 'Back to the dashboard',
    },
  )
}

export function verifyCsrf(services: AdminServices): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next()
    const token = await submittedCsrfToken(c)
    if (!sameOrigin(c) || token === '' || !secretsEqual(token, c.get('session').csrfToken))
      return csrfRejected(c, services)
    await next()
  }
}
