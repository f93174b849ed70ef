// Handlers for /tokens (admin scope): tokens can mint and revoke tokens, so an admin token can
// rotate itself without the CLI.
import type { ApiTokenRecord } from '../../../storage/repositories/api-tokens.ts'
import type { ApiServices } from '../api-services.ts'
import type { tokenOperations } from '../contract/tokens.ts'
import { pageByKey } from '../pagination.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTime, isoTimeOrNull } from './iso-time.ts'

const DAY_MS = 86_400_000

export const apiTokenView = (t: ApiTokenRecord) => ({
  id: t.id,
  name: t.name,
  scopes: t.scopes,
  prefix: t.prefix,
  createdBy: t.createdBy,
  createdAt: isoTime(t.createdAt),
  expiresAt: isoTimeOrNull(t.expiresAt),
  lastUsedAt: isoTimeOrNull(t.lastUsedAt),
  revokedAt: isoTimeOrNull(t.revokedAt),
})

export function tokenHandlers(services: ApiServices): HandlersFor<typeof tokenOperations> {
  const { tokens } = services
  const { storage, clock } = services.deps
  return {
    async listApiTokens({ query }) {
      const all = await tokens.list({ includeRevoked: query.includeRevoked })
      const page = pageByKey(all, t => t.id, query.limit, query.cursor)
      return { items: page.items.map(apiTokenView), nextCursor: page.nextCursor }
    },

    async createApiToken({ body }, ctx) {
      const created = await tokens.create({
        name: body.name,
        scopes: body.scopes,
        createdBy: ctx.actor,
        expiresAt: body.expiresInDays === undefined ? null : clock.now() + body.expiresInDays * DAY_MS,
      })
      await storage.audit.record({
        actor: ctx.actor,
        action: 'api_token.create',
        target: created.record.id,
        details: { name: created.record.name, scopes: created.record.scopes },
      })
      return { token: apiTokenView(created.record), secret: created.token }
    },

    async revokeApiToken({ params }, ctx) {
      await tokens.revoke(params.id)
      await storage.audit.record({ actor: ctx.actor, action: 'api_token.revoke', target: params.id })
      return undefined
    },
  }
}
