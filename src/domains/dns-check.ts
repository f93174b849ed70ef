// Live check of a domain's DNS records: asks the resolver for each expected record and says
// whether what is published matches (published), is absent (missing), or is there with other data
// (different). A lookup that fails (SERVFAIL, timeout) is an `error`, not "missing": the record
// may well exist.
import { errorMessage } from '../core/errors.ts'
import { DnsError, NO_RECORD_CODES } from '../security/dns/dns-error.ts'
import type { Resolver } from '../security/dns/resolver.ts'
import type { DnsRecordPurpose, DnsRecordType, ExpectedDnsRecord } from './dns-records.ts'

export const DNS_CHECK_STATUSES = ['published', 'missing', 'different', 'error'] as const
export type DnsCheckStatus = (typeof DNS_CHECK_STATUSES)[number]

export interface CheckedDnsRecord extends ExpectedDnsRecord {
  status: DnsCheckStatus
  /** What the resolver returned for this name and type, in presentation form. */
  found: string[]
  /** Why the lookup failed (status `error`), else null. */
  error: string | null
}

export interface DnsCheckSummary {
  published: number
  missing: number
  different: number
  error: number
}

const host = (name: string) => name.toLowerCase().replace(/\.$/, '')

/** The canonical text of an IP address, so `2001:DB8:0::1` and `2001:db8::1` compare equal. */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
  } catch {
    return ip.toLowerCase()
  }
}

/** RFC 6376 §3.2 / RFC 7489 §6.4 tag-value lists: `k=v; k=v`. Keys lower-cased, spaces dropped around values. */
export function parseTagList(text: string): Map<string, string> {
  const tags = new Map<string, string>()
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim().toLowerCase()
    if (key !== '' && !tags.has(key)) tags.set(key, part.slice(eq + 1).trim())
  }
  return tags
}

const squash = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase()
const withoutSpace = (text: string) => text.replace(/\s+/g, '')

interface TxtRule {
  /** Whether a published TXT record is one of this kind at all (others at the name are ignored). */
  candidate(text: string): boolean
  /** Whether a candidate carries what we expect. */
  matches(text: string, expected: string): boolean
}

const tagEquals = (keys: readonly string[], normalise: (v: string) => string = v => v.toLowerCase()) => {
  return (text: string, expected: string) => {
    const found = parseTagList(text)
    const want = parseTagList(expected)
    return keys.every(k => normalise(found.get(k) ?? '') === normalise(want.get(k) ?? ''))
  }
}

const versionIs = (version: string) => (text: string) =>
  (parseTagList(text).get('v') ?? '').toLowerCase() === version.toLowerCase()

const TXT_RULES: Partial<Record<DnsRecordPurpose, TxtRule>> = {
  // RFC 7208 §4.5: records starting with "v=spf1" (then a space or the end) are SPF records.
  spf: { candidate: t => /^v=spf1(?:\s|$)/i.test(t.trim()), matches: (t, e) => squash(t) === squash(e) },
  dmarc: { candidate: versionIs('DMARC1'), matches: tagEquals(['p', 'rua']) },
  // RFC 6376 §3.6.1: v= is optional in a key record; the key itself (p=) is what must agree.
  dkim: { candidate: () => true, matches: tagEquals(['p'], withoutSpace) },
  // The id only has to change when the policy does; any STSv1 record announces the policy.
  'mta-sts': { candidate: versionIs('STSv1'), matches: () => true },
  'tls-rpt': { candidate: versionIs('TLSRPTv1'), matches: tagEquals(['rua']) },
  'txt-caldavs': { candidate: t => parseTagList(t).has('path'), matches: tagEquals(['path'], v => v) },
  'txt-carddavs': { candidate: t => parseTagList(t).has('path'), matches: tagEquals(['path'], v => v) },
}

type Lookup = { records: string[] } | { error: string }

async function lookup(resolver: Resolver, name: string, type: DnsRecordType): Promise<Lookup> {
  try {
    switch (type) {
      case 'MX':
        return { records: (await resolver.query(name, 'MX')).map(r => `${r.priority} ${host(r.exchange) || '.'}`) }
      case 'SRV':
        return {
          records: (await resolver.query(name, 'SRV')).map(
            r => `${r.priority} ${r.weight} ${r.port} ${host(r.name) || '.'}`,
          ),
        }
      case 'TXT':
        return { records: (await resolver.query(name, 'TXT')).map(strings => strings.join('')) }
      case 'CNAME':
        return { records: (await resolver.query(name, 'CNAME')).map(host) }
      case 'A':
        return { records: (await resolver.query(name, 'A')).map(canonicalIp) }
      case 'AAAA':
        return { records: (await resolver.query(name, 'AAAA')).map(canonicalIp) }
    }
  } catch (e) {
    if (e instanceof DnsError && NO_RECORD_CODES.has(e.code)) return { records: [] }
    return { error: e instanceof DnsError ? `${e.code} looking up ${type} ${name}` : errorMessage(e) }
  }
}

/** SRV and MX data compared on what matters: the target (and the port for SRV), not priority/weight. */
const srvKey = (data: string) => {
  const [, , port, target] = data.split(' ')
  return `${port} ${host(target ?? '')}`
}
const mxTarget = (data: string) => host(data.split(' ')[1] ?? '')

function judge(expected: ExpectedDnsRecord, found: readonly string[]): { status: DnsCheckStatus; found: string[] } {
  if (expected.type === 'TXT') {
    const rule = TXT_RULES[expected.purpose] ?? { candidate: () => true, matches: (t, e) => t === e }
    const candidates = found.filter(t => rule.candidate(t))
    if (candidates.length === 0) return { status: 'missing', found: [...found] }
    // RFC 7208 §4.5: more than one SPF record is a permanent error, whatever they say.
    if (expected.purpose === 'spf' && candidates.length > 1) return { status: 'different', found: candidates }
    const value = expected.value ?? ''
    return { status: candidates.some(t => rule.matches(t, value)) ? 'published' : 'different', found: candidates }
  }
  if (found.length === 0) return { status: 'missing', found: [] }
  if (expected.value === null) return { status: 'published', found: [...found] }
  const value = expected.value
  const same = (data: string): boolean => {
    switch (expected.type) {
      case 'MX':
        return mxTarget(data) === mxTarget(value)
      case 'SRV':
        return srvKey(data) === srvKey(value)
      case 'CNAME':
        return host(data) === host(value)
      default:
        return canonicalIp(data) === canonicalIp(value)
    }
  }
  return { status: found.some(same) ? 'published' : 'different', found: [...found] }
}

/** Check every record; lookups of the same name and type are asked once. */
export async function checkDnsRecords(
  records: readonly ExpectedDnsRecord[],
  resolver: Resolver,
): Promise<CheckedDnsRecord[]> {
  const lookups = new Map<string, Promise<Lookup>>()
  const once = (name: string, type: DnsRecordType) => {
    const key = `${host(name)}/${type}`
    let pending = lookups.get(key)
    if (!pending) {
      pending = lookup(resolver, name, type)
      lookups.set(key, pending)
    }
    return pending
  }
  return Promise.all(
    records.map(async record => {
      const result = await once(record.name, record.type)
      if ('error' in result) return { ...record, status: 'error' as const, found: [], error: result.error }
      return { ...record, ...judge(record, result.records), error: null }
    }),
  )
}

export function summariseDnsCheck(records: readonly CheckedDnsRecord[]): DnsCheckSummary {
  const summary: DnsCheckSummary = { published: 0, missing: 0, different: 0, error: 0 }
  for (const record of records) summary[record.status]++
  return summary
}
