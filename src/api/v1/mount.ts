// Registers /api/v1 on the server's Hono app (src/api/mounts.ts), with DKIM keys from delivery.
import { deliveryDkimKeys } from '../../domains/delivery-dkim-keys.ts'
import type { HttpMount } from '../mounts.ts'
import { API_V1_BASE, createApiV1 } from './api-v1.ts'

export const apiV1Mount: HttpMount = (app, context) => {
  if (!context.deps.config.api.enabled) return
  const { storage, clock } = context.deps
  app.route(API_V1_BASE, createApiV1({ ...context, dkimKeys: deliveryDkimKeys(storage, clock) }))
}
