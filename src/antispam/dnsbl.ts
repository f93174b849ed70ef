// DNS blocklist lookups (RFC 5782): the client address, reversed, under each configured zone; an A
// record in 127.0.0.0/24 means "listed". Lookups go through our resolver, in parallel. A zone that
// cannot be asked (timeout, SERVFAIL) fails open: the check is advisory and must not stop mail when
// a list is down (logged, so an operator sees it).
import { isIPv4, isIPv6 } from 'node:net'
import type { Logger } from '../core/logger.ts'
import { isNoRecord } from '../security/dns/dns-error.ts'
import type { Resolver } from '../security/dns/resolver.ts'

export interface DnsblListing {
  zone: string
  /** The 127.0.0.x answers (the list's return codes, RFC 5782 §2.1). */
  addresses: string[]
}

/**
 * The query name for `ip` (RFC 5782 §2.1 IPv4: octets reversed; §2.4 IPv6: nibbles reversed), without
 * the zone; null when `ip` is not an address. IPv4-mapped IPv6 addresses are looked up as IPv4.
 */
export function reversedAddressName(ip: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  const address = mapped?.[1] ?? ip
  if (isIPv4(address)) return address.split('.').reverse().join('.')
  if (!isIPv6(address)) return null
  const groups = expandIpv6(address)
  return groups.join('').split('').reverse().join('.')
}

/** Eight 4-digit lower-case hex groups. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::')
  const part = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'))
  let left = part(head)
  let right = part(tail)
  // An embedded IPv4 tail (::ffff:192.0.2.1 handled above; 64:ff9b::192.0.2.1 here) is two groups.
  const last = (tail === undefined ? left : right).at(-1)
  if (last?.includes('.')) {
    const octets = last.split('.').map(Number)
    const groups = [((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)].map(n =>
      n.toString(16),
    )
    if (tail === undefined) left = [...left.slice(0, -1), ...groups]
    else right = [...right.slice(0, -1), ...groups]
  }
  const missing = 8 - left.length - right.length
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right]
  return all.map(g => g.padStart(4, '0'))
}

const isListingAddress = (a: string) => /^127\.0\.0\.\d{1,3}$/.test(a)

export interface DnsblOptions {
  zones: readonly string[]
  resolver: Resolver
  logger: Logger
}

/** The first zone (in configured order) listing `ip`, or null when none does or none could be asked. */
export async function checkDnsbl(ip: string, options: DnsblOptions): Promise<DnsblListing | null> {
  if (options.zones.length === 0) return null
  const reversed = reversedAddressName(ip)
  if (reversed === null) return null
  const answers = await Promise.all(
    options.zones.map(async zone => {
      const name = `${reversed}.${zone.replace(/\.$/, '')}`
      try {
        const addresses = (await options.resolver.resolve4(name)).filter(isListingAddress)
        return addresses.length > 0 ? { zone, addresses } : null
      } catch (e) {
        if (!isNoRecord(e)) options.logger.warn('DNSBL lookup failed; not blocking', { zone, ip, error: e })
        return null
      }
    }),
  )
  return answers.find(a => a !== null) ?? null
}
