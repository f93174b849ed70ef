// SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489 / DMARCbis) and ARC (RFC 8617) for one incoming
// message, with mailauth doing the work and our resolver answering DNS (shared notes
// bun-platform §7: Bun's own TXT lookups split records, which breaks long DKIM keys).
//
// mailauth runs in its lenient default mode, plus RFC 8301 §3.1 (rsa-sha1 signatures never pass).
// In that mode a body-hash mismatch is reported as dkim=neutral rather than fail; either way the
// signature does not count for DMARC. BIMI is off: we display no logos.
import type { Resolver } from '../dns/resolver.ts'
import { mailauthResolver } from '../dns/mailauth-resolver.ts'
import { formatAuthenticationResults } from './authentication-results.ts'

export type AuthResult =
  | 'pass'
  | 'fail'
  | 'softfail'
  | 'neutral'
  | 'none'
  | 'temperror'
  | 'permerror'
  | 'policy'
  | (string & {})

export interface DkimVerdict {
  result: AuthResult
  /** d= of the signature, null when unsigned. */
  domain: string | null
  selector: string | null
}

export interface DmarcVerdict {
  result: AuthResult
  /** Author (RFC5322.From) domain. */
  domain: string | null
  /** The policy in force for that domain (p, sp or np as it applies), null without a record. */
  policy: 'none' | 'quarantine' | 'reject' | null
}

export interface MessageVerification {
  spf: { result: AuthResult; domain: string | null }
  /** One entry per signature; a single `none` entry for an unsigned message. */
  dkim: DkimVerdict[]
  /** null when DMARC could not be evaluated (no or several author domains, RFC 7489 §6.6.1). */
  dmarc: DmarcVerdict | null
  arc: { result: AuthResult }
  /** Our Authentication-Results header field, folded and CRLF-terminated. */
  header: string
}

export interface VerifyMessageOptions {
  /** Client IP (the connection's peer). */
  ip: string
  helo: string
  /** MAIL FROM address, '' for the null reverse-path (SPF then checks the HELO identity). */
  sender: string
  /** Our host name: the authserv-id (RFC 8601 §2.5) and the name in SPF comments. */
  authservId: string
  resolver: Resolver
}

// Loaded on first use: mailauth takes ~50–140 ms to import, which CLI commands should not pay.
const loadMailauth = () => import('mailauth')

const asPolicy = (p: unknown): DmarcVerdict['policy'] =>
  p === 'none' || p === 'quarantine' || p === 'reject' ? p : null

export async function verifyMessage(message: Uint8Array, options: VerifyMessageOptions): Promise<MessageVerification> {
  const { authenticate } = await loadMailauth()
  const input = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const result = await authenticate(input, {
    ip: options.ip,
    helo: options.helo,
    sender: options.sender,
    mta: options.authservId,
    resolver: mailauthResolver(options.resolver),
    disableBimi: true,
    rejectRsaSha1: true,
  })

  const dkimRows = result.dkim.results ?? []
  const dkim: DkimVerdict[] = dkimRows.map(r => ({
    result: r.status.result,
    domain: r.signingDomain ?? null,
    selector: r.selector ?? null,
  }))
  const spf = result.spf
    ? { result: result.spf.status.result, domain: result.spf.domain ?? null }
    : { result: 'none', domain: null }
  const dmarc: DmarcVerdict | null = result.dmarc
    ? {
        result: result.dmarc.status.result,
        domain: result.dmarc.status.header?.from ?? result.dmarc.domain ?? null,
        policy: asPolicy(result.dmarc.policy),
      }
    : null
  const arc = { result: result.arc ? result.arc.status.result : 'none' }

  // RFC 8601 §2.7: one resinfo per method; arc=none is written too (RFC 8617 §6).
  const entries = [
    ...dkimRows.map(r => r.info),
    result.spf ? result.spf.info : 'spf=none',
    result.arc && result.arc.info ? result.arc.info : `arc=${arc.result}`,
    ...(result.dmarc ? [result.dmarc.info] : []),
  ].filter((e): e is string => typeof e === 'string' && e !== '')
  return { spf, dkim, dmarc, arc, header: formatAuthenticationResults(options.authservId, entries) }
}
