// Domain name checks and reverse names. Names go on the wire as given (minus a trailing dot);
// comparisons and cache keys use the lower-case form (RFC 4343: DNS names are case-insensitive).
import { isIPv4, isIPv6 } from 'node:net'
import { DnsError } from './dns-error.ts'

/** `Example.ORG.` → `example.org`. */
export const canonicalName = (name: string): string => name.replace(/\.$/, '').toLowerCase()

/**
 * Throws EBADNAME for names the wire format cannot carry (RFC 1035 §2.3.4: labels ≤ 63 octets,
 * names ≤ 255 octets on the wire, i.e. 253 characters written out) or that hold empty labels.
 * Non-ASCII names must be converted to A-labels first (RFC 5890), as mailauth does.
 */
export function checkName(name: string, rrtype: string): string {
  const bare = name.endsWith('.') && name !== '.' ? name.slice(0, -1) : name
  if (bare === '' || bare === '.') throw new DnsError('EBADNAME', name, rrtype)
  const bytes = Buffer.byteLength(bare)
  if (bytes > 253 || bytes !== bare.length || /[\x00-\x20\x7f]/.test(bare)) throw new DnsError('EBADNAME', name, rrtype)
  for (const label of bare.split('.'))
    if (label.length === 0 || label.length > 63) throw new DnsError('EBADNAME', name, rrtype)
  return bare
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const last = (tail === undefined ? h : t).at(-1)
  if (last && isIPv4(last)) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number)
    const groups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
    if (tail === undefined) h.splice(-1, 1, ...groups)
    else t.splice(-1, 1, ...groups)
  }
  const missing = tail === undefined ? 0 : 8 - h.length - t.length
  return [...h, ...Array<string>(missing).fill('0'), ...t].map(g => g.padStart(4, '0'))
}

/** The PTR query name for an address (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa). */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`
  if (isIPv6(ip)) {
    const nibbles = expandIPv6(ip.split('%')[0] as string)
      .join('')
      .split('')
    return `${nibbles.reverse().join('.')}.ip6.arpa`
  }
  throw new DnsError('EBADNAME', ip, 'PTR')
}
