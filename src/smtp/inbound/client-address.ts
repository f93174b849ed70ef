// The client's IP address in the forms trace headers and checks need. A dual-stack listener reports
// IPv4 peers as IPv4-mapped IPv6 (`::ffff:192.0.2.1`); SPF, DNSBL and the Received header want the
// IPv4 address itself (RFC 4291 §2.5.5.2 mapped addresses denote the IPv4 node).
import { isIPv4, isIPv6 } from 'node:net'

export function normalizeClientIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped?.[1] ?? ip
}

/** RFC 5321 §4.1.3 address-literal: `[192.0.2.1]`, `[IPv6:2001:db8::1]`; `[unknown]` for anything else. */
export function addressLiteral(ip: string): string {
  const normal = normalizeClientIp(ip)
  if (isIPv4(normal)) return `[${normal}]`
  if (isIPv6(normal)) return `[IPv6:${normal}]`
  return '[unknown]'
}

/** Loopback peers (127/8, ::1) never have useful reverse DNS or blocklist entries. */
export function isLoopback(ip: string): boolean {
  const normal = normalizeClientIp(ip)
  return normal === '::1' || /^127\./.test(normal)
}
