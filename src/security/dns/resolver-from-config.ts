// The resolver main.ts builds from `config.dns`: the configured servers (or the system's), the
// configured timeout, a cache on the injected clock.
import type { Clock } from '../../core/clock.ts'
import type { Config } from '../../config/schema.ts'
import { DnsCache } from './dns-cache.ts'
import type { Resolver } from './resolver.ts'
import { createStubResolver } from './stub-resolver.ts'
import { upstreamServers } from './upstream-servers.ts'

export interface ResolverDeps {
  clock: Clock
  /** Where the system's servers are listed when `dns.servers` is empty. Default /etc/resolv.conf. */
  resolvConfPath?: string
  /** Cache size bound. Default 10000 answers. */
  cacheEntries?: number
}

export function resolverFromConfig(dns: Config['dns'], deps: ResolverDeps): Resolver {
  return createStubResolver({
    servers: upstreamServers(dns.servers, deps.resolvConfPath),
    timeoutMs: dns.timeoutMs,
    clock: deps.clock,
    cache: new DnsCache({ clock: deps.clock, maxEntries: deps.cacheEntries }),
  })
}
