// The one DNS interface (DESIGN.md: the resolver is injected). Shaped after mox's dns/resolver.go
// and Node's dns.promises: code that needs DNS (SPF/DKIM/DMARC through mailauth, MX lookup for
// delivery, DNSBL, MTA-STS) takes a Resolver; main.ts builds the stub resolver, tests pass the
// memory resolver or point the stub resolver at test/support/fake-dns.ts.
import { reverseName } from './dns-name.ts'
import type { MxRecord, RecordData, RecordType } from './record-types.ts'

export interface Resolver {
  /** Records of one type. Throws DnsError: ENOTFOUND (no such name), ENODATA (no such records), or a failure code. */
  query<T extends RecordType>(name: string, type: T): Promise<RecordData[T][]>
  /** TXT records, each as its list of character-strings (record boundaries kept). */
  resolveTxt(name: string): Promise<string[][]>
  /** MX records sorted by priority (ties keep the server's order). */
  resolveMx(name: string): Promise<MxRecord[]>
  resolve4(name: string): Promise<string[]>
  resolve6(name: string): Promise<string[]>
  /** PTR names for an IPv4 or IPv6 address. */
  resolvePtr(ip: string): Promise<string[]>
  resolveCname(name: string): Promise<string[]>
}

export type QueryFn = Resolver['query']

/** The convenience methods, all defined through `query`. */
export function resolverFromQuery(query: QueryFn): Resolver {
  return {
    query,
    resolveTxt: name => query(name, 'TXT'),
    resolveMx: async name => {
      const records = await query(name, 'MX')
      // Array.prototype.sort is stable, so equal priorities keep their order.
      return [...records].sort((a, b) => a.priority - b.priority)
    },
    resolve4: name => query(name, 'A'),
    resolve6: name => query(name, 'AAAA'),
    resolvePtr: ip => query(reverseName(ip), 'PTR'),
    resolveCname: name => query(name, 'CNAME'),
  }
}
