// Forward-confirmed reverse DNS (FCrDNS) of the client, for the Received header's TCP-info
// (RFC 5321 §4.4: "the name ... as determined by the reverse lookup"). A PTR name counts only when
// it resolves back to the same address, like Postfix's "unknown" rule; anything else gives null.
import { isIPv4 } from 'node:net'
import type { Resolver } from '../../security/dns/resolver.ts'
import { isLoopback, normalizeClientIp } from './client-address.ts'

export async function lookupClientName(ip: string, resolver: Resolver): Promise<string | null> {
  const address = normalizeClientIp(ip)
  if (isLoopback(address)) return null
  try {
    const names = await resolver.resolvePtr(address)
    for (const name of names.slice(0, 3)) {
      const host = name.replace(/\.$/, '')
      const forward = isIPv4(address) ? await resolver.resolve4(host) : await resolver.resolve6(host)
      if (forward.some(a => a.toLowerCase() === address.toLowerCase())) return host
    }
  } catch {
    // No PTR, or DNS trouble: the header then shows the address alone.
  }
  return null
}
