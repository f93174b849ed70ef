// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference, hosts of equal
// preference in random order; no MX records (NODATA) → the domain itself as an implicit MX; a null
// MX (RFC 7505: one MX with exchange ".") → the domain accepts no mail; NXDOMAIN → no such domain.
import { DnsError, isNoRecord } from '../../security/dns/dns-error.ts'
import type { Resolver } from '../../security/dns/resolver.ts'

export interface MxHost {
  name: string
  priority: number
}

export type MxResolution =
  | { kind: 'hosts'; hosts: MxHost[]; implicit: boolean }
  | { kind: 'null-mx' }
  | { kind: 'no-domain'; reason: string }
  | { kind: 'temporary'; reason: string }

/** Shuffle hosts of equal priority (RFC 5321 §5.1 "MUST select one randomly"); injectable for tests. */
export type PreferenceShuffle = (hosts: MxHost[]) => MxHost[]

export const shuffleEqualPreference: PreferenceShuffle = hosts => {
  const out: MxHost[] = []
  let i = 0
  while (i < hosts.length) {
    let j = i
    while (j < hosts.length && hosts[j]?.priority === hosts[i]?.priority) j++
    const group = hosts.slice(i, j)
    for (let k = group.length - 1; k > 0; k--) {
      const r = Math.floor(Math.random() * (k + 1))
      ;[group[k], group[r]] = [group[r] as MxHost, group[k] as MxHost]
    }
    out.push(...group)
    i = j
  }
  return out
}

export async function resolveMxHosts(
  resolver: Resolver,
  domain: string,
  shuffle: PreferenceShuffle = shuffleEqualPreference,
): Promise<MxResolution> {
  let records: { exchange: string; priority: number }[]
  try {
    records = await resolver.resolveMx(domain)
  } catch (e) {
    if (e instanceof DnsError && e.code === 'ENOTFOUND')
      return { kind: 'no-domain', reason: `${domain} does not exist (NXDOMAIN)` }
    if (isNoRecord(e)) return { kind: 'hosts', hosts: [{ name: domain, priority: 0 }], implicit: true }
    return { kind: 'temporary', reason: `MX lookup for ${domain} failed: ${(e as Error).message}` }
  }
  const real = records.filter(r => r.exchange !== '' && r.exchange !== '.')
  // RFC 7505 §3: a null MX is the only MX of its domain; with others beside it, it is ignored.
  if (real.length === 0 && records.length > 0) return { kind: 'null-mx' }
  if (real.length === 0) return { kind: 'hosts', hosts: [{ name: domain, priority: 0 }], implicit: true }
  const sorted = real
    .map(r => ({ name: r.exchange.toLowerCase().replace(/\.$/, ''), priority: r.priority }))
    .sort((a, b) => a.priority - b.priority)
  // The same host listed twice (at two priorities) is tried once, at its best priority.
  const seen = new Set<string>()
  const unique = sorted.filter(h => !seen.has(h.name) && seen.add(h.name))
  return { kind: 'hosts', hosts: shuffle(unique), implicit: false }
}

/** IPv4 then IPv6 addresses of a host. Throws the DnsError when neither lookup answered. */
export async function resolveHostAddresses(resolver: Resolver, host: string): Promise<string[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)])
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])]
  if (addresses.length > 0) return addresses
  const failure = [v4, v6].find(r => r.status === 'rejected' && !isNoRecord(r.reason)) as
    | PromiseRejectedResult
    | undefined
  if (failure) throw failure.reason
  return []
}
