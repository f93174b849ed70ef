// One queue entry per recipient domain (issue 7 §1): the domain decides the MX, the TLS policy and
// the per-destination concurrency, so recipients are grouped by it when an entry is committed.
import { domainToASCII } from 'node:url'

/**
 * The lower-case A-label domain of an address (RFC 5890 §2.3.2.1), or the lower-cased raw domain
 * when it is not an IDN-convertible name (an address literal such as `[192.0.2.1]`).
 */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf('@')
  const raw = (at < 0 ? '' : address.slice(at + 1)).trim().replace(/\.$/, '')
  if (raw === '' || raw.startsWith('[')) return raw.toLowerCase()
  return domainToASCII(raw) || raw.toLowerCase()
}

/** Group items by the domain of their address, keeping first-seen order of domains and items. */
export function groupByDomain<T extends { address: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const domain = recipientDomain(item.address)
    const group = groups.get(domain)
    if (group) group.push(item)
    else groups.set(domain, [item])
  }
  return groups
}
