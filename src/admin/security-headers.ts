// Response headers for every /admin response. The Content-Security-Policy allows only the panel's
// own stylesheet and script files: even if some text escaped escaping, no inline script or style
// would run, and no other origin could be loaded or posted to (form-action).
import type { MiddlewareHandler } from 'hono'

export const CONTENT_SECURITY_POLICY = [
  `default-src 'none'`,
  `style-src 'self'`,
  `script-src 'self'`,
  `connect-src 'self'`,
  // data: for the empty favicon link of the layout (without it browsers fetch /favicon.ico).
  `img-src 'self' data:`,
  `form-action 'self'`,
  `frame-ancestors 'none'`,
  `base-uri 'none'`,
].join('; ')

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('X-Frame-Options', 'DENY')
  c.header('Referrer-Policy', 'same-origin')
  // Pages show live data and CSRF tokens: never store them. Static assets set their own caching.
  if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store')
}
