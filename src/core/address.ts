// Mail address parsing and normalisation shared by the CLI, the API, SMTP and storage.
//
// Normal form (what storage keys on): `local@domain` where
//   - the domain is lower-case ASCII; IDN (U-labels) are converted to punycode A-labels with
//     node:url domainToASCII (UTS #46), so `bücher.de` and `xn--bcher-kva.de` are the same domain;
//   - the local part is NFC-normalised (RFC 6532 §3.1) and lower-cased. RFC 5321 §2.4 allows
//     case-sensitive local parts, but every mailbox here is case-insensitive, like most servers.
// Only dot-atom local parts are accepted (RFC 5321 §4.1.2 Dot-string, extended by RFC 6531 §3.3 to
// UTF-8); quoted-string local parts and address literals (`user@[192.0.2.1]`) are rejected with a
// clear message, since no account or alias can be created for them.
import { domainToASCII } from 'node:url'
import { MailError } from './errors.ts'
import { utf8Length } from './bytes.ts'

export interface ParsedAddress {
  /** Normalised local part (NFC, lower-case). */
  local: string
  /** Normalised domain (lower-case ASCII, punycode for IDN). */
  domain: string
  /** `local@domain` in normal form. */
  address: string
}

// RFC 5321 §4.5.3.1.1 / §4.5.3.1.2: 64 octets of local part, 255 of domain; RFC 3696 errata 1690:
// a forward-path holds at most 254 octets of address.
const MAX_LOCAL_OCTETS = 64
const MAX_DOMAIN_OCTETS = 253
const MAX_ADDRESS_OCTETS = 254
const MAX_LABEL_OCTETS = 63

// RFC 5322 §3.2.3 atext, plus any non-ASCII character (RFC 6531 §3.3 UTF8-non-ascii).
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

const invalidAddress = (input: string, why: string) =>
  new MailError('syntax', `invalid address "${truncate(input)}": ${why}`, {
    smtp: [501, '5.1.3'],
    http: 400,
    code: 'invalid_address',
  })

const invalidDomain = (input: string, why: string) =>
  new MailError('syntax', `invalid domain "${truncate(input)}": ${why}`, {
    smtp: [501, '5.1.2'],
    http: 400,
    code: 'invalid_domain',
  })

const truncate = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s)

/** Normalise a domain name (IDN → punycode, lower-case, trailing dot removed) or throw `invalid_domain`. */
export function parseDomain(input: string): string {
  const raw = input.trim()
  if (raw === '') throw invalidDomain(input, 'empty')
  if (raw.startsWith('[')) throw invalidDomain(input, 'address literals are not supported')
  // One trailing dot names the root (RFC 1034 §3.1); it is not part of a mail domain.
  const withoutRoot = raw.endsWith('.') ? raw.slice(0, -1) : raw
  const ascii = domainToASCII(withoutRoot)
  if (ascii === '') throw invalidDomain(input, 'not a valid (internationalised) domain name')
  if (ascii.length > MAX_DOMAIN_OCTETS) throw invalidDomain(input, `longer than ${MAX_DOMAIN_OCTETS} characters`)
  const labels = ascii.split('.')
  for (const label of labels) {
    if (label === '') throw invalidDomain(input, 'empty label')
    if (label.length > MAX_LABEL_OCTETS) throw invalidDomain(input, `label longer than ${MAX_LABEL_OCTETS} characters`)
    // RFC 1123 §2.1 host names: letters, digits, hyphen; no hyphen at either end.
    if (!LABEL.test(label)) throw invalidDomain(input, `label "${label}" has characters other than a-z, 0-9 and "-"`)
  }
  // RFC 3696 §2: a top-level label is never all-numeric, which also rules out dotted IPv4.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) throw invalidDomain(input, 'top-level label is numeric')
  return ascii
}

/** Parse and normalise `local@domain` or throw `invalid_address` / `invalid_domain`. */
export function parseAddress(input: string): ParsedAddress {
  const raw = input.trim()
  if (raw === '') throw invalidAddress(input, 'empty')
  const at = raw.lastIndexOf('@')
  if (at < 0) throw invalidAddress(input, 'missing "@"')
  const localRaw = raw.slice(0, at)
  const domainRaw = raw.slice(at + 1)
  if (localRaw === '') throw invalidAddress(input, 'empty local part')
  if (domainRaw === '') throw invalidAddress(input, 'empty domain')
  if (localRaw.startsWith('"')) throw invalidAddress(input, 'quoted local parts are not supported')
  const local = localRaw.normalize('NFC').toLowerCase()
  // RFC 5321 §4.1.2 Dot-string: atoms joined by single dots, no dot at either end.
  for (const atom of local.split('.')) {
    if (atom === '') throw invalidAddress(input, 'local part has an empty dot-separated part')
    if (!ATOM.test(atom)) throw invalidAddress(input, 'local part has characters that need quoting')
  }
  if (utf8Length(local) > MAX_LOCAL_OCTETS)
    throw invalidAddress(input, `local part longer than ${MAX_LOCAL_OCTETS} octets`)
  let domain: string
  try {
    domain = parseDomain(domainRaw)
  } catch (e) {
    throw invalidAddress(input, e instanceof Error ? e.message : String(e))
  }
  const address = `${local}@${domain}`
  if (utf8Length(address) > MAX_ADDRESS_OCTETS) throw invalidAddress(input, `longer than ${MAX_ADDRESS_OCTETS} octets`)
  return { local, domain, address }
}

/** Normalised address or null, for callers that only need a yes/no. */
export function tryParseAddress(input: string): ParsedAddress | null {
  try {
    return parseAddress(input)
  } catch {
    return null
  }
}

export interface SubaddressParts {
  /** Local part without the tag (`user` of `user+tag`). */
  base: string
  /** The tag after the first separator (`tag`), or null when there is none. */
  tag: string | null
}

/**
 * Split plus-addressing (`user+tag`, the RFC 5233 "subaddress" Sieve can test). The first separator
 * wins (`a+b+c` → `a`, `b+c`); a leading separator is not a tag, because the base would be empty.
 */
export function splitSubaddress(local: string, separator = '+'): SubaddressParts {
  const i = local.indexOf(separator)
  if (i <= 0) return { base: local, tag: null }
  return { base: local.slice(0, i), tag: local.slice(i + separator.length) }
}
