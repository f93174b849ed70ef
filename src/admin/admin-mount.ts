// Registers the admin panel on the server's Hono app (src/api/mounts.ts), with DKIM keys from
// delivery for the domains' DNS records (the same source as the REST API).
import type { HttpMount } from '../api/mounts.ts'
import { deliveryDkimKeys } from '../domains/delivery-dkim-keys.ts'
import { createAdminApp } from './admin-app.ts'

export const adminMount: HttpMount = (app, context) => {
  const { storage, clock } = context.deps
  app.route('/admin', createAdminApp({ ...context, dkimKeys: deliveryDkimKeys(storage, clock) }))
}
