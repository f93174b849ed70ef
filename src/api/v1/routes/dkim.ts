// Handler for /dkim-keys: read-only listing from the DKIM key source delivery provides.
import { parseDomain } from '../../../core/address.ts'
import type { ApiServices } from '../api-services.ts'
import type { dkimOperations } from '../contract/dkim.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTimeOrNull } from './iso-time.ts'

export function dkimHandlers(services: ApiServices): HandlersFor<typeof dkimOperations> {
  return {
    async listDkimKeys({ query }) {
      const domain = query.domain === undefined ? undefined : parseDomain(query.domain)
      const keys = await services.dkimKeys.list(domain)
      return {
        items: keys
          .filter(k => domain === undefined || k.domain === domain)
          .map(k => ({
            domain: k.domain,
            selector: k.selector,
            algorithm: k.algorithm,
            dnsName: `${k.selector}._domainkey.${k.domain}`,
            dnsValue: k.dnsValue,
            createdAt: isoTimeOrNull(k.createdAt),
            active: k.active,
          })),
      }
    },
  }
}
