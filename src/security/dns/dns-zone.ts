// An in-memory zone: the data behind the memory resolver and test/support/fake-dns.ts, so unit
// tests and socket tests describe DNS the same way.
//   { 'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }], TXT: ['v=spf1 -all'] },
//     's1._domainkey.example.test': { TXT: [['v=DKIM1; k=rsa; p=MIIB…', '…rest']] } }
// A TXT record given as a string is split into 255-byte character-strings like a zone compiler
// would (RFC 1035 §3.3.14); given as an array, its strings are kept exactly.
import { canonicalName } from './dns-name.ts'
import type { MxRecord, RecordData, RecordType, SoaRecord, SrvRecord, TlsaRecord } from './record-types.ts'

export interface ZoneEntry {
  A?: string[]
  AAAA?: string[]
  MX?: MxRecord[]
  TXT?: (string | string[])[]
  PTR?: string[]
  /** An alias: queries for other types follow it (RFC 1034 §3.6.2). */
  CNAME?: string
  NS?: string[]
  SOA?: SoaRecord
  SRV?: SrvRecord[]
  TLSA?: TlsaRecord[]
  /** TTL of every record at this name; default 300. */
  ttl?: number
}

export type DnsZone = Readonly<Record<string, ZoneEntry>>

export interface ZoneRecord {
  name: string
  type: RecordType
  ttl: number
  data: RecordData[RecordType]
}

export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN'
  /** CNAMEs followed, then the records of the asked type at the end of the chain. */
  answers: ZoneRecord[]
  /** The closest enclosing SOA, for negative answers (RFC 2308 §3). */
  soa?: { name: string; ttl: number; data: SoaRecord }
}

export const DEFAULT_ZONE_TTL = 300

/** Split a TXT value into ≤255-byte character-strings. */
export function txtStrings(record: string | string[]): string[] {
  if (Array.isArray(record)) return record
  const bytes = Buffer.from(record)
  const out: string[] = []
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255).toString())
  return out.length > 0 ? out : ['']
}

function recordsAt(entry: ZoneEntry, type: RecordType): RecordData[RecordType][] {
  switch (type) {
    case 'TXT':
      return (entry.TXT ?? []).map(txtStrings)
    case 'CNAME':
      return entry.CNAME ? [entry.CNAME] : []
    case 'SOA':
      return entry.SOA ? [entry.SOA] : []
    default:
      return [...((entry[type] as RecordData[RecordType][] | undefined) ?? [])]
  }
}

function findEntry(zone: DnsZone, name: string): ZoneEntry | undefined {
  for (const [owner, entry] of Object.entries(zone)) if (canonicalName(owner) === name) return entry
  return undefined
}

/** A name exists if it has records or names below it (an empty non-terminal, RFC 8020). */
function nameExists(zone: DnsZone, name: string): boolean {
  return Object.keys(zone).some(owner => {
    const o = canonicalName(owner)
    return o === name || o.endsWith(`.${name}`)
  })
}

function closestSoa(zone: DnsZone, name: string): ZoneAnswer['soa'] {
  const labels = name.split('.')
  for (let i = 0; i < labels.length; i++) {
    const owner = labels.slice(i).join('.')
    const entry = findEntry(zone, owner)
    if (entry?.SOA) return { name: owner, ttl: entry.ttl ?? DEFAULT_ZONE_TTL, data: entry.SOA }
  }
  return undefined
}

/** Answer a question from the zone like an authoritative server plus a recursor would. */
export function lookupZone(zone: DnsZone, name: string, type: RecordType): ZoneAnswer {
  let owner = canonicalName(name)
  const answers: ZoneRecord[] = []
  for (let hops = 0; hops < 16; hops++) {
    const entry = findEntry(zone, owner)
    if (!entry) {
      const rcode = nameExists(zone, owner) ? 'NOERROR' : 'NXDOMAIN'
      return { rcode, answers, soa: closestSoa(zone, owner) }
    }
    const ttl = entry.ttl ?? DEFAULT_ZONE_TTL
    if (entry.CNAME && type !== 'CNAME') {
      answers.push({ name: owner, type: 'CNAME', ttl, data: entry.CNAME })
      owner = canonicalName(entry.CNAME)
      continue
    }
    const records = recordsAt(entry, type).map(data => ({ name: owner, type, ttl, data }))
    answers.push(...records)
    return { rcode: 'NOERROR', answers, soa: records.length === 0 ? closestSoa(zone, owner) : undefined }
  }
  return { rcode: 'NOERROR', answers }
}
