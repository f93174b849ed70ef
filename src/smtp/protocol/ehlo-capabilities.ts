// The EHLO reply (RFC 5321 §4.1.1.1): the host name line, then one service-extension keyword per
// line. Which keywords appear depends on the connection's state, decided here in one place.
import type { SmtpReply } from './reply.ts'

export interface EhloCapabilities {
  /** Largest message accepted, announced as `SIZE n` (RFC 1870 §4; 0 means no fixed limit). */
  maxMessageSize: number
  /** The connection is already TLS (STARTTLS done, or implicit TLS per RFC 8314). */
  tlsActive: boolean
  /** A certificate is available, so STARTTLS could be offered on a plain connection. */
  startTlsAvailable: boolean
  /** SASL mechanisms this listener offers, e.g. ['PLAIN', 'LOGIN']; empty for none (MX). */
  authMechanisms: readonly string[]
  /** Offer AUTH without TLS (config smtp.allowInsecureAuth; never in production). */
  allowInsecureAuth?: boolean
  /** AUTH already succeeded; RFC 4954 §4 allows no second AUTH, so it is not offered again. */
  authenticated?: boolean
  pipelining?: boolean
  eightBitMime?: boolean
  smtputf8?: boolean
  chunking?: boolean
  /** RFC 3030 §3 BINARYMIME; only offered together with CHUNKING. Default false. */
  binaryMime?: boolean
  enhancedStatusCodes?: boolean
  dsn?: boolean
  /** RFC 8689 REQUIRETLS; offered only on a TLS connection. Default false. */
  requireTls?: boolean
  help?: boolean
}

/** The keywords to advertise, in a stable order. */
export function ehloKeywords(caps: EhloCapabilities): string[] {
  const keywords: string[] = []
  // RFC 1870 §4: SIZE with the fixed maximum in octets.
  keywords.push(caps.maxMessageSize > 0 ? `SIZE ${Math.floor(caps.maxMessageSize)}` : 'SIZE')
  if (caps.pipelining ?? true) keywords.push('PIPELINING')
  if (caps.eightBitMime ?? true) keywords.push('8BITMIME')
  if (caps.smtputf8 ?? true) keywords.push('SMTPUTF8')
  const chunking = caps.chunking ?? true
  if (chunking) keywords.push('CHUNKING')
  if (chunking && caps.binaryMime) keywords.push('BINARYMIME')
  if (caps.enhancedStatusCodes ?? true) keywords.push('ENHANCEDSTATUSCODES')
  if (caps.dsn ?? true) keywords.push('DSN')
  // RFC 3207 §4.2: STARTTLS must not be offered again once TLS is active.
  if (caps.startTlsAvailable && !caps.tlsActive) keywords.push('STARTTLS')
  // RFC 4954 §4 / RFC 4616 §6: no clear-text password mechanisms over an unprotected channel.
  const authAllowed = caps.tlsActive || (caps.allowInsecureAuth ?? false)
  if (caps.authMechanisms.length > 0 && authAllowed && !(caps.authenticated ?? false)) {
    keywords.push(`AUTH ${caps.authMechanisms.map(m => m.toUpperCase()).join(' ')}`)
  }
  // RFC 8689 §4: REQUIRETLS is advertised only over TLS.
  if (caps.requireTls && caps.tlsActive) keywords.push('REQUIRETLS')
  if (caps.help ?? true) keywords.push('HELP')
  return keywords
}

/**
 * The whole EHLO reply: `250-<hostname> <greeting>` then the keywords. No enhanced codes
 * (RFC 2034 §3), so a client never mistakes one for a keyword.
 */
export function buildEhloReply(hostname: string, caps: EhloCapabilities, greeting = ''): SmtpReply {
  const first = greeting === '' ? hostname : `${hostname} ${greeting}`
  return { code: 250, enhanced: null, lines: [first, ...ehloKeywords(caps)] }
}
