// The admin panel's 404 page (signed in: with navigation).
import type { Context } from 'hono'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { sessionPage } from '../page-response.ts'

export function notFoundPage(c: Context<AdminEnv>, services: AdminServices): Promise<Response> {
  return sessionPage(
    c,
    services,
    'message',
    { title: 'Not found', status: 404 },
    {
      heading: 'Not found',
      text: `There is nothing at ${c.req.path}.`,
      backHref: '/admin',
      backLabel: 'Back to the dashboard',
    },
  )
}
