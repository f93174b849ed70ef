// The DKIM key source backed by delivery's key store (src/delivery/dkim/): `published` goes through
// dkimDnsRecords, which creates a domain's keys on first use so the records an administrator copies
// are never empty; `list` only reads the table. Private keys never leave delivery.
import type { Clock } from '../core/clock.ts'
import { dkimDnsRecords, dkimTxtValue } from '../delivery/dkim/dkim-dns-records.ts'
import { createDkimKeyStore } from '../delivery/dkim/dkim-key-store.ts'
import type { Storage } from '../storage/storage.ts'
import type { DkimKeySource } from './dkim-key-source.ts'

export function deliveryDkimKeys(storage: Pick<Storage, 'db'>, clock: Clock): DkimKeySource {
  const store = createDkimKeyStore(storage, clock)
  return {
    async published(domain) {
      const records = await dkimDnsRecords(storage, domain, { clock })
      const createdAt = new Map(store.list(domain).map(k => [k.selector, k.createdAt]))
      return records.map(r => ({
        domain,
        selector: r.selector,
        algorithm: r.algorithm,
        dnsValue: r.value,
        createdAt: createdAt.get(r.selector) ?? null,
        active: r.status === 'active',
      }))
    },
    async list(domain) {
      return store.list(domain).map(k => ({
        domain: k.domain,
        selector: k.selector,
        algorithm: k.algorithm,
        dnsValue: dkimTxtValue(k.algorithm, k.publicKey),
        createdAt: k.createdAt,
        active: k.status === 'active',
      }))
    },
  }
}
