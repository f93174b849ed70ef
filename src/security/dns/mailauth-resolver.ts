// The resolver function mailauth calls (`resolver(name, rrtype)`, node:dns.resolve's shape) on top
// of our Resolver, so authenticate()/spf()/dkimVerify() see TXT records with their boundaries and
// Node's error codes. mailauth asks for TXT (SPF, DKIM keys, DMARC, ARC, BIMI, MTA-STS), MX and
// A/AAAA (SPF mx/a, MTA-STS), PTR (SPF ptr; it passes the reverse name itself) and CNAME (DMARC
// domain existence).
import { DnsError } from './dns-error.ts'
import { isRecordType } from './record-types.ts'
import type { Resolver } from './resolver.ts'

/** mailauth's `DNSResolver`; its index.d.ts narrows the result to strings, MX returns objects. */
export type MailauthResolver = (name: string, rrtype: string) => Promise<never>

export function mailauthResolver(resolver: Resolver): MailauthResolver {
  const resolve = async (name: string, rrtype: string): Promise<unknown> => {
    const type = rrtype.toUpperCase()
    switch (type) {
      case 'TXT':
        return resolver.resolveTxt(name)
      case 'MX':
        return resolver.resolveMx(name)
      case 'A':
        return resolver.resolve4(name)
      case 'AAAA':
        return resolver.resolve6(name)
      default:
        if (isRecordType(type)) return resolver.query(name, type)
        throw new DnsError('ENOTIMP', name, type)
    }
  }
  return resolve as MailauthResolver
}
