// The one DNS interface (DESIGN.md: the resolver is injected), shaped after mox's dns/resolver.go
// and Node's dns.promises. Code that needs DNS (SPF/DKIM/DMARC through mailauth, MX lookup for
// delivery, DNSBL, MTA-STS) takes a Resolver; main builds one with createResolver(), tests pass
// the memory resolver or point createResolver at test/support/fake-dns.ts.
import type { Clock } from '../../core/clock.ts'
import { DnsCache } from './dns-cache.ts'
import type { MxRecord, RecordData, RecordType } from './record-types.ts'
import { createStubResolver } from './stub-resolver.ts'
import { upstreamServers } from './upstream-servers.ts'

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

export interface CreateResolverOptions {
  /** `config.dns.servers`: `host:port` / `[v6]:port`; empty = the nameservers of /etc/resolv.conf. */
  servers: readonly string[]
  /** `config.dns.timeoutMs`: per exchange with one server. */
  timeoutMs: number
  /** Clock the answer cache reads. */
  clock: Clock
  /** Where the system's servers are listed. Default /etc/resolv.conf. */
  resolvConfPath?: string
  /** Cache bound, answers. Default 10000. */
  cacheEntries?: number
}

/** The resolver the server uses: our stub resolver over the configured (or system) servers, cached. */
export function createResolver(options: CreateResolverOptions): Resolver {
  return createStubResolver({
    servers: upstreamServers(options.servers, options.resolvConfPath),
    timeoutMs: options.timeoutMs,
    clock: options.clock,
    cache: new DnsCache({ clock: options.clock, maxEntries: options.cacheEntries }),
  })
}
