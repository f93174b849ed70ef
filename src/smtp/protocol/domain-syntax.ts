// Syntax of the two things that can follow "@" or EHLO (RFC 5321 §4.1.2 / §4.1.3): a domain name
// and an address literal. Pure checks, no DNS.
import { isIPv4, isIPv6 } from 'node:net'
import { domainToASCII } from 'node:url'
import type { AddressLiteral } from './smtp-command.ts'
import { utf8Length } from '../../core/bytes.ts'

// RFC 5321 §4.5.3.1.2: 255 octets of domain; RFC 1035 §2.3.4: 63 octets per label.
export const MAX_DOMAIN_OCTETS = 255
const MAX_LABEL_OCTETS = 63

export interface DomainSyntaxOptions {
  /** U-labels (RFC 6531 §3.3 sub-domain =/ U-label). */
  allowUtf8?: boolean
  /**
   * "_" in labels. Not in RFC 5321 sub-domain, but real EHLO names carry it (Windows host names),
   * and RFC 5321 §4.1.4 lets the server accept a sloppy EHLO argument.
   */
  allowUnderscore?: boolean
}

/** The reason `text` is not a valid domain, or null if it is one. */
export function checkDomain(text: string, options: DomainSyntaxOptions = {}): string | null {
  if (text === '') return 'empty domain'
  if (utf8Length(text) > MAX_DOMAIN_OCTETS) return `domain longer than ${MAX_DOMAIN_OCTETS} octets`
  let nonAscii = false
  for (const label of text.split('.')) {
    if (label === '') return 'empty label in domain'
    if (utf8Length(label) > MAX_LABEL_OCTETS) return `domain label longer than ${MAX_LABEL_OCTETS} octets`
    // RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str]: letters, digits, "-" inside only.
    if (label.startsWith('-') || label.endsWith('-')) return `domain label "${label}" starts or ends with "-"`
    for (const ch of label) {
      const cp = ch.codePointAt(0) ?? 0
      if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x2d)
        continue
      if (cp === 0x5f && options.allowUnderscore) continue
      if (cp > 0x7f && options.allowUtf8) {
        nonAscii = true
        continue
      }
      return `invalid character ${JSON.stringify(ch)} in domain`
    }
  }
  // A U-label must convert to an A-label (IDNA2008 via UTS #46), or nobody can route to it.
  if (nonAscii && domainToASCII(text) === '') return 'not a valid internationalised domain name'
  return null
}

/**
 * Parse `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3). The tag is case-insensitive;
 * other General-address-literal tags are not registered, so they are refused. Returns null when
 * `text` is not a valid literal.
 */
export function parseAddressLiteral(text: string): AddressLiteral | null {
  if (!text.startsWith('[') || !text.endsWith(']')) return null
  const inner = text.slice(1, -1)
  if (/^ipv6:/i.test(inner)) {
    const address = inner.slice(5)
    // RFC 5321 §4.1.3 IPv6-addr, including the IPv4-embedded forms; no zone ids.
    return isIPv6(address) && !address.includes('%') ? { kind: 'ipv6', address } : null
  }
  return isIPv4(inner) ? { kind: 'ipv4', address: inner } : null
}
