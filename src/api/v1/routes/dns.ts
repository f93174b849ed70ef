// Handlers for /domains/{domain}/dns: the records of src/domains/, and their live check through
// the server's resolver.
import { checkDnsRecords, summariseDnsCheck } from '../../../domains/dns-check.ts'
import { domainDnsRecords } from '../../../domains/domain-dns-records.ts'
import type { ApiServices } from '../api-services.ts'
import type { dnsOperations } from '../contract/dns.ts'
import type { HandlersFor } from '../register-operation.ts'
import { requireDomain } from './domains.ts'

export function dnsHandlers(services: ApiServices): HandlersFor<typeof dnsOperations> {
  const { config, resolver } = services.deps
  return {
    async getDnsRecords({ params }) {
      const domain = await requireDomain(services, params.domain)
      return domainDnsRecords(config, domain.name, services.dkimKeys)
    },

    async checkDnsRecords({ params }) {
      const domain = await requireDomain(services, params.domain)
      const expected = await domainDnsRecords(config, domain.name, services.dkimKeys)
      const records = await checkDnsRecords(expected.records, resolver)
      return {
        domain: expected.domain,
        hostname: expected.hostname,
        records,
        summary: summariseDnsCheck(records),
        notes: expected.notes,
      }
    },
  }
}
