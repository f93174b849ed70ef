// Which hosted domain an autoconfiguration request is about: the domain of the e-mail address it
// names, or else the Host header (autoconfig.<domain>, autodiscover.<domain>, mta-sts.<domain>, or
// the domain itself). Only enabled hosted domains get an answer; everything else is a 404, so the
// server never hands out settings for domains it does not serve.
import { parseDomain, tryParseAddress } from '../core/address.ts'
import type { DomainRepository } from '../storage/repositories/domains.ts'

export const SERVICE_PREFIXES = ['autoconfig.', 'autodiscover.', 'mta-sts.'] as const

/** The host name of a Host header value, without port (and without brackets for IPv6 literals). */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase()
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'))
  const colon = h.lastIndexOf(':')
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h
}

/** Candidate mail domain for a Host header: strip a service prefix when present. */
export function domainFromHost(host: string, prefixes: readonly string[] = SERVICE_PREFIXES): string | null {
  const name = hostWithoutPort(host)
  const prefix = prefixes.find(p => name.startsWith(p))
  const domain = prefix ? name.slice(prefix.length) : name
  try {
    return parseDomain(domain)
  } catch {
    return null
  }
}

/** The normalised domain if it is hosted here and enabled, else null. */
export async function hostedDomain(
  domains: Pick<DomainRepository, 'get'>,
  candidate: string | null,
): Promise<string | null> {
  if (candidate === null) return null
  const record = await domains.get(candidate)
  return record?.enabled ? record.name : null
}

export interface ResolvedAccount {
  domain: string
  /** Normalised address when the request named one. */
  email: string | null
}

/**
 * The account a request is about: from `email` when given (a malformed address is a miss, not a
 * fallback to the Host header), otherwise from `host`.
 */
export async function resolveAccount(
  domains: Pick<DomainRepository, 'get'>,
  email: string | undefined,
  host: string | undefined,
  prefixes: readonly string[] = SERVICE_PREFIXES,
): Promise<ResolvedAccount | null> {
  if (email !== undefined && email !== '') {
    const parsed = tryParseAddress(email)
    if (parsed === null) return null
    const domain = await hostedDomain(domains, parsed.domain)
    return domain === null ? null : { domain, email: parsed.address }
  }
  const domain = await hostedDomain(domains, host ? domainFromHost(host, prefixes) : null)
  return domain === null ? null : { domain, email: null }
}
