// Handlers for /domains.
import { parseDomain } from '../../../core/address.ts'
import type { DomainRecord } from '../../../storage/repositories/domains.ts'
import { unknownDomain } from '../../../storage/storage-errors.ts'
import type { ApiServices } from '../api-services.ts'
import type { domainOperations } from '../contract/domains.ts'
import { pageByKey } from '../pagination.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTime } from './iso-time.ts'

export const domainView = (d: DomainRecord) => ({
  name: d.name,
  enabled: d.enabled,
  catchAll: d.catchAll,
  createdAt: isoTime(d.createdAt),
})

/** The hosted domain, 400 for a malformed name, 404 when it is not hosted. */
export async function requireDomain(services: ApiServices, input: string): Promise<DomainRecord> {
  const name = parseDomain(input)
  const domain = await services.deps.storage.domains.get(name)
  if (!domain) throw unknownDomain(name)
  return domain
}

export function domainHandlers(services: ApiServices): HandlersFor<typeof domainOperations> {
  const { storage } = services.deps
  return {
    async listDomains({ query }) {
      const page = pageByKey(await storage.domains.list(), d => d.name, query.limit, query.cursor)
      return { items: page.items.map(domainView), nextCursor: page.nextCursor }
    },

    async createDomain({ body }, ctx) {
      const created = await storage.domains.add(body.name)
      if (body.catchAll !== undefined) {
        try {
          await storage.domains.setCatchAll(created.name, body.catchAll)
        } catch (e) {
          // All or nothing: a bad catch-all leaves no half-configured domain behind.
          await storage.domains.remove(created.name)
          throw e
        }
      }
      await storage.audit.record({ actor: ctx.actor, action: 'domain.create', target: created.name })
      return domainView(await requireDomain(services, created.name))
    },

    async getDomain({ params }) {
      return domainView(await requireDomain(services, params.domain))
    },

    async updateDomain({ params, body }, ctx) {
      let domain = await requireDomain(services, params.domain)
      if (body.catchAll !== undefined) domain = await storage.domains.setCatchAll(domain.name, body.catchAll)
      if (body.enabled !== undefined) domain = await storage.domains.setEnabled(domain.name, body.enabled)
      await storage.audit.record({ actor: ctx.actor, action: 'domain.update', target: domain.name, details: body })
      return domainView(domain)
    },

    async deleteDomain({ params, query }, ctx) {
      const domain = await requireDomain(services, params.domain)
      await storage.domains.remove(domain.name, { force: query.force, removeData: query.removeData })
      await storage.audit.record({
        actor: ctx.actor,
        action: 'domain.remove',
        target: domain.name,
        details: { force: query.force, removeData: query.removeData },
      })
      return undefined
    },
  }
}
