// DNS failures with Node-compatible codes, because mailauth (SPF, DKIM, DMARC, MTA-STS) branches on
// err.code: ENOTFOUND and ENODATA mean "no record" (SPF void lookup, DKIM "no key", DMARC "no
// policy"), EBADNAME is a permanent error, everything else is a temporary error (RFC 7208 §5,
// "temperror"). Bun's own resolver reports NODATA as ENOTFOUND, which is why ours exists.
import { MailError } from '../../core/errors.ts'

export type DnsErrorCode =
  /** NXDOMAIN: the name does not exist (RFC 1035 §4.1.1 RCODE 3). */
  | 'ENOTFOUND'
  /** NOERROR with no records of the asked type (NODATA, RFC 2308 §2.2). */
  | 'ENODATA'
  /** SERVFAIL from every server. */
  | 'ESERVFAIL'
  /** No answer within the timeout from any server. */
  | 'ETIMEOUT'
  /** Nothing listens on the server's port (ICMP port unreachable / TCP RST). */
  | 'ECONNREFUSED'
  /** The server refused the query (RCODE 5). */
  | 'EREFUSED'
  /** FORMERR even without EDNS. */
  | 'EFORMERR'
  /** NOTIMP, or a record type this resolver does not ask for. */
  | 'ENOTIMP'
  /** A reply that cannot be decoded or does not answer the question. */
  | 'EBADRESP'
  /** Not a valid domain name (label over 63 octets, name over 253, empty label). */
  | 'EBADNAME'

/** Codes that are answers ("there is no such record"), not failures to get an answer. */
export const NO_RECORD_CODES: ReadonlySet<DnsErrorCode> = new Set(['ENOTFOUND', 'ENODATA'])

export class DnsError extends MailError {
  readonly code: DnsErrorCode
  readonly hostname: string
  readonly rrtype: string
  /** Seconds a negative answer may be cached (RFC 2308 §5), when the reply carried an SOA. */
  readonly negativeTtl?: number

  constructor(code: DnsErrorCode, hostname: string, rrtype: string, negativeTtl?: number) {
    const kind = NO_RECORD_CODES.has(code) || code === 'EBADNAME' ? 'user' : 'temporary'
    // The message shape Node uses (`queryTxt ENOTFOUND example.org`), which mailauth puts in its results.
    super(kind, `query${rrtype.charAt(0)}${rrtype.slice(1).toLowerCase()} ${code} ${hostname}`, {
      code: code.toLowerCase(),
    })
    this.name = 'DnsError'
    this.code = code
    this.hostname = hostname
    this.rrtype = rrtype
    this.negativeTtl = negativeTtl
  }
}

export const isDnsError = (e: unknown): e is DnsError => e instanceof DnsError

/** True when `e` says the record does not exist (as opposed to a lookup failure). */
export const isNoRecord = (e: unknown): boolean => isDnsError(e) && NO_RECORD_CODES.has(e.code)
