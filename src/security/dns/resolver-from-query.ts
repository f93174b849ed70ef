// The Resolver convenience methods, all defined through one `query` function, so the stub
// resolver and the memory resolver behave the same above the wire.
import { reverseName } from './dns-name.ts'
import type { QueryFn, Resolver } from './resolver.ts'

export function resolverFromQuery(query: QueryFn): Resolver {
  return {
    query,
    resolveTxt: name => query(name, 'TXT'),
    resolveMx: async name => {
      const records = await query(name, 'MX')
      // Array.prototype.sort is stable, so equal priorities keep the server's order.
      return [...records].sort((a, b) => a.priority - b.priority)
    },
    resolve4: name => query(name, 'A'),
    resolve6: name => query(name, 'AAAA'),
    resolvePtr: async ip => query(reverseName(ip), 'PTR'),
    resolveCname: name => query(name, 'CNAME'),
  }
}
