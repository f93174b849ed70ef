// Turns a NOERROR/NXDOMAIN reply into typed records or a "no record" error. A recursive server
// answers a query for A at an alias with the CNAME chain plus the target's records (RFC 1034
// §4.3.2), so the chain is followed from the query name; records owned by other names are ignored.
import type * as packet from 'dns-packet'
import { canonicalName } from './dns-name.ts'
import { DnsError } from './dns-error.ts'
import type { DnsReply } from './dns-message.ts'
import type { RecordData, RecordType } from './record-types.ts'

export interface ExtractedAnswer<T extends RecordType> {
  records: RecordData[T][]
  /** Smallest TTL among the records and CNAMEs used, seconds. */
  ttl: number
}

const MAX_CNAME_CHAIN = 16
const text = new TextDecoder()

type AnyAnswer = packet.Answer & { ttl?: number; data?: unknown }

/** Record data in Node's shapes; undefined for malformed data. */
function convert(type: RecordType, data: unknown): RecordData[RecordType] | undefined {
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return typeof data === 'string' ? data : undefined
    case 'MX': {
      const d = data as packet.MxData
      // RFC 7505: a null MX has the root as exchange; Node reports it as ''.
      return { exchange: d.exchange === '.' ? '' : d.exchange, priority: d.preference ?? 0 }
    }
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data]
      return parts.map(p => (typeof p === 'string' ? p : text.decode(p as Uint8Array)))
    }
    case 'SOA': {
      const d = data as packet.SoaData
      return {
        mname: d.mname,
        rname: d.rname,
        serial: d.serial ?? 0,
        refresh: d.refresh ?? 0,
        retry: d.retry ?? 0,
        expire: d.expire ?? 0,
        minimum: d.minimum ?? 0,
      }
    }
    case 'SRV': {
      const d = data as packet.SrvData
      return { priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port, name: d.target }
    }
    case 'TLSA': {
      const d = data as packet.TlsaData
      return { usage: d.usage, selector: d.selector, matchingType: d.matchingType, data: new Uint8Array(d.certificate) }
    }
  }
}

/** RFC 2308 §5: a negative answer may be cached for min(SOA TTL, SOA MINIMUM). */
export function negativeTtl(reply: DnsReply): number | undefined {
  const soa = (reply.authorities ?? []).find(a => a.type === 'SOA') as AnyAnswer | undefined
  if (!soa) return undefined
  const minimum = (soa.data as packet.SoaData | undefined)?.minimum ?? 0
  return Math.min(soa.ttl ?? 0, minimum)
}

/** Records of `type` for `name` from a NOERROR or NXDOMAIN reply; throws ENOTFOUND / ENODATA. */
export function extractAnswer<T extends RecordType>(reply: DnsReply, name: string, type: T): ExtractedAnswer<T> {
  const answers = (reply.answers ?? []) as AnyAnswer[]
  let owner = canonicalName(name)
  let ttl = Number.POSITIVE_INFINITY
  if (type !== 'CNAME') {
    for (let hops = 0; hops < MAX_CNAME_CHAIN; hops++) {
      const alias = answers.find(a => a.type === 'CNAME' && canonicalName(a.name) === owner)
      if (!alias || typeof alias.data !== 'string') break
      ttl = Math.min(ttl, alias.ttl ?? 0)
      owner = canonicalName(alias.data)
    }
  }
  const records: RecordData[T][] = []
  for (const a of answers) {
    if (a.type !== type || canonicalName(a.name) !== owner) continue
    const value = convert(type, a.data)
    if (value === undefined) continue
    records.push(value as RecordData[T])
    ttl = Math.min(ttl, a.ttl ?? 0)
  }
  if (records.length > 0) return { records, ttl: Number.isFinite(ttl) ? ttl : 0 }
  // RFC 6604 §3: with a CNAME chain, NXDOMAIN describes the last name of the chain.
  const code = reply.rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA'
  throw new DnsError(code, name, type, negativeTtl(reply))
}
