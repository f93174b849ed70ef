// Our stub resolver: asks recursive servers over UDP (TCP when truncated) and keeps TXT record
// boundaries, unlike Bun's resolver (oven-sh/bun#21370; shared notes §7). Servers are tried in
// order; a timeout, refusal or SERVFAIL moves on to the next, while NXDOMAIN and NODATA are answers
// and end the lookup. Answers are cached by TTL; identical lookups in flight share one query.
import { type Clock, systemClock } from '../../core/clock.ts'
import { type CachedAnswer, DnsCache } from './dns-cache.ts'
import { DnsError, type DnsErrorCode, isDnsError } from './dns-error.ts'
import { buildQuery, type DnsReply, isTruncated } from './dns-message.ts'
import { checkName } from './dns-name.ts'
import type { RecordData, RecordType } from './record-types.ts'
import { extractAnswer } from './reply-records.ts'
import type { Resolver } from './resolver.ts'
import { resolverFromQuery } from './resolver-from-query.ts'
import { tcpExchange } from './tcp-exchange.ts'
import { udpExchange } from './udp-exchange.ts'
import type { UpstreamServer } from './upstream-servers.ts'

export interface StubResolverOptions {
  /** Recursive servers, tried in order. */
  servers: readonly UpstreamServer[]
  /** Per-exchange timeout (each server, and the TCP retry, get this long). Default 5000. */
  timeoutMs?: number
  /** Clock for the cache. Default systemClock. */
  clock?: Clock
  /** Answer cache; `null` disables caching. Default: a DnsCache on `clock`. */
  cache?: DnsCache | null
}

const RCODE_ERRORS: Record<string, DnsErrorCode> = {
  SERVFAIL: 'ESERVFAIL',
  REFUSED: 'EREFUSED',
  NOTIMP: 'ENOTIMP',
  FORMERR: 'EFORMERR',
}

async function exchangeWith(
  server: UpstreamServer,
  name: string,
  type: RecordType,
  timeoutMs: number,
): Promise<DnsReply> {
  let query = buildQuery(name, type, true)
  let reply = await udpExchange(server, query, timeoutMs)
  // RFC 6891 §7: a server that does not know EDNS answers FORMERR; ask again without the OPT record.
  if (reply.rcode === 'FORMERR') {
    query = buildQuery(name, type, false)
    reply = await udpExchange(server, query, timeoutMs)
  }
  // RFC 1035 §4.2.1 / RFC 7766 §5: a truncated UDP reply is retried over TCP.
  if (isTruncated(reply)) reply = await tcpExchange(server, query, timeoutMs)
  return reply
}

export function createStubResolver(options: StubResolverOptions): Resolver {
  const timeoutMs = options.timeoutMs ?? 5000
  const cache = options.cache === undefined ? new DnsCache({ clock: options.clock ?? systemClock }) : options.cache
  const inFlight = new Map<string, Promise<CachedAnswer>>()
  if (options.servers.length === 0) throw new Error('stub resolver: no upstream servers')

  async function ask(name: string, type: RecordType): Promise<DnsReply> {
    let last: DnsError | undefined
    for (const server of options.servers) {
      try {
        const reply = await exchangeWith(server, name, type, timeoutMs)
        if (reply.rcode === 'NOERROR' || reply.rcode === 'NXDOMAIN') return reply
        last = new DnsError(RCODE_ERRORS[reply.rcode ?? ''] ?? 'EBADRESP', name, type)
      } catch (e) {
        if (!isDnsError(e)) throw e
        last = e
      }
    }
    throw last ?? new DnsError('ETIMEOUT', name, type)
  }

  async function lookup(name: string, type: RecordType, key: string): Promise<CachedAnswer> {
    const reply = await ask(name, type)
    try {
      const { records, ttl } = extractAnswer(reply, name, type)
      cache?.set(key, { records }, ttl)
      return { records }
    } catch (e) {
      if (isDnsError(e) && e.negativeTtl !== undefined) cache?.set(key, { error: e.code }, e.negativeTtl)
      throw e
    }
  }

  async function query<T extends RecordType>(name: string, type: T): Promise<RecordData[T][]> {
    const bare = checkName(name, type)
    const key = DnsCache.key(bare, type)
    let answer = cache?.get(key)
    if (!answer) {
      let pending = inFlight.get(key)
      if (!pending) {
        pending = lookup(bare, type, key).finally(() => inFlight.delete(key))
        inFlight.set(key, pending)
      }
      try {
        answer = await pending
      } catch (e) {
        // A shared failure is re-created so each caller's error names its own query.
        if (isDnsError(e)) throw new DnsError(e.code, name, type, e.negativeTtl)
        throw e
      }
    }
    if ('error' in answer) throw new DnsError(answer.error, name, type)
    return [...answer.records] as RecordData[T][]
  }

  return resolverFromQuery(query)
}
