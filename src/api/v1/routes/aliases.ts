// Handlers for /aliases.
import { parseAddress, parseDomain } from '../../../core/address.ts'
import { MailError } from '../../../core/errors.ts'
import { unknownAlias } from '../../../storage/storage-errors.ts'
import type { ApiServices } from '../api-services.ts'
import type { aliasOperations } from '../contract/aliases.ts'
import { pageByKey } from '../pagination.ts'
import type { HandlersFor } from '../register-operation.ts'

export function aliasHandlers(services: ApiServices): HandlersFor<typeof aliasOperations> {
  const { storage } = services.deps
  return {
    async listAliases({ query }) {
      const all = await storage.aliases.list({
        domain: query.domain === undefined ? undefined : parseDomain(query.domain),
      })
      return pageByKey(all, a => a.address, query.limit, query.cursor)
    },

    async createAlias({ body }, ctx) {
      const alias = await storage.aliases.add(body.address, body.targets)
      await storage.audit.record({
        actor: ctx.actor,
        action: 'alias.add',
        target: alias.address,
        details: { targets: body.targets },
      })
      return alias
    },

    async getAlias({ params }) {
      const { address } = parseAddress(params.address)
      const alias = await storage.aliases.get(address)
      if (!alias) throw unknownAlias(address)
      return alias
    },

    async deleteAlias({ params }, ctx) {
      const { address } = parseAddress(params.address)
      await storage.aliases.remove(address)
      await storage.audit.record({ actor: ctx.actor, action: 'alias.remove', target: address })
      return undefined
    },

    async removeAliasTarget({ params }, ctx) {
      const { address } = parseAddress(params.address)
      const target = parseAddress(params.target).address
      const alias = await storage.aliases.get(address)
      if (!alias) throw unknownAlias(address)
      if (!alias.targets.includes(target)) {
        throw new MailError('user', `alias ${address} has no target ${target}`, {
          http: 404,
          code: 'unknown_alias_target',
        })
      }
      await storage.aliases.remove(address, [target])
      await storage.audit.record({ actor: ctx.actor, action: 'alias.remove', target: address, details: { target } })
      return undefined
    },
  }
}
