// The DKIM TXT records a domain must publish (RFC 6376 §3.6.2.1: `<selector>._domainkey.<domain>`),
// for `mail-server domain dns <domain>` and the API. Asking for them creates the domain's keys on
// first use, so the list an administrator copies into DNS is never empty and the signer finds the
// same keys afterwards.
import { type Clock, systemClock } from '../../core/clock.ts'
import { parseDomain } from '../../core/address.ts'
import type { Storage } from '../../storage/index.ts'
import { createDkimKeyStore, type DkimKeyOptions } from './dkim-key-store.ts'
import { type DkimAlgorithm, DKIM_ALGORITHMS, dkimKeyType } from './generate-dkim-key.ts'

export interface DkimDnsRecord {
  /** Owner name, e.g. `s20260102r._domainkey.example.org`. */
  name: string
  type: 'TXT'
  /** The whole record value; split it into ≤255-byte strings when the DNS tool needs that (`txtStrings`). */
  value: string
  selector: string
  algorithm: DkimAlgorithm
  /** 'retired' records stay published until their retention ends, then may be removed. */
  status: 'active' | 'retired'
}

export interface DkimDnsOptions extends DkimKeyOptions {
  /** How long rotated keys stay in the list. */
  retiredKeyDays: number
  clock: Clock
}

export const DEFAULT_DKIM_DNS_OPTIONS: DkimDnsOptions = {
  algorithms: DKIM_ALGORITHMS,
  rsaBits: 2048,
  retiredKeyDays: 7,
  clock: systemClock,
}

/** The TXT value (RFC 6376 §3.6.1): version, key type, public key. */
export const dkimTxtValue = (algorithm: DkimAlgorithm, publicKey: string): string =>
  `v=DKIM1; k=${dkimKeyType(algorithm)}; p=${publicKey}`

export async function dkimDnsRecords(
  storage: Pick<Storage, 'db'>,
  domain: string,
  options: Partial<DkimDnsOptions> = {},
): Promise<DkimDnsRecord[]> {
  const o = { ...DEFAULT_DKIM_DNS_OPTIONS, ...options }
  const name = parseDomain(domain)
  const keys = createDkimKeyStore(storage, o.clock)
  await keys.ensure(name, o)
  const since = o.clock.now() - o.retiredKeyDays * 86_400_000
  return keys.published(name, since).map(key => ({
    name: `${key.selector}._domainkey.${name}`,
    type: 'TXT' as const,
    value: dkimTxtValue(key.algorithm, key.publicKey),
    selector: key.selector,
    algorithm: key.algorithm,
    status: key.status,
  }))
}
