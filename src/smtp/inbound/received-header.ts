// Trace fields added at delivery (RFC 5321 §4.4, RFC 5322 §3.6.7):
//
//   Return-Path: <sender>                       (final delivery only)
//   Received: from <helo> (<rdns> [<ip>])
//           by <hostname> with <ESMTPSA> id <cid>
//           (using <TLSv1.3> with cipher <...>)  (a comment: RFC 5321 leaves TLS details to comments)
//           for <rcpt>; <date>
//
// `with` takes the RFC 3848 / RFC 6531 §3.7.3 protocol names. `for` names the recipient only when
// there is exactly one, so one recipient never learns the others (Bcc) from the trace.
import { foldHeaderField } from '../../security/mailauth/fold-header-field.ts'
import { addressLiteral } from './client-address.ts'

export interface ProtocolFlags {
  esmtp: boolean
  tls: boolean
  authenticated: boolean
  smtputf8: boolean
}

/** SMTP / ESMTP[S][A] (RFC 3848), UTF8SMTP[S][A] (RFC 6531 §3.7.3). */
export function withProtocol(flags: ProtocolFlags): string {
  if (!flags.esmtp) return 'SMTP'
  const base = flags.smtputf8 ? 'UTF8SMTP' : 'ESMTP'
  return `${base}${flags.tls ? 'S' : ''}${flags.authenticated ? 'A' : ''}`
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number) => String(n).padStart(2, '0')

/** RFC 5322 §3.3 date-time in UTC: `Tue, 1 Apr 2025 08:00:00 +0000`. */
export function formatMessageDate(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  )
}

/**
 * The HELO argument as a header token: it comes from the client, so anything outside the
 * domain/address-literal alphabet becomes `?` (no comment, angle-bracket or line injection).
 */
export function sanitizeHelo(helo: string): string {
  const cleaned = helo.slice(0, 255).replace(/[^A-Za-z0-9.\-_:[\]]/g, '?')
  return cleaned === '' ? 'unknown' : cleaned
}

/** Comment text: no parentheses, backslashes or control characters (RFC 5322 §3.2.2 ctext). */
const commentText = (s: string) => s.replace(/[()\\\x00-\x1f\x7f]/g, '?')

export interface ReceivedInput {
  helo: string
  ip: string
  /** Forward-confirmed reverse DNS name of the client, or null. */
  clientName: string | null
  /** Our host name (the `by` clause). */
  hostname: string
  protocol: string
  /** Connection id (the `id` clause, an RFC 5322 atom). */
  id: string
  tls: { protocol: string; cipher: string } | null
  /** The single recipient, in wire form; null when there are several. */
  recipient: string | null
  date: Date
}

/** The Received header field, folded and CRLF-terminated. */
export function receivedHeader(input: ReceivedInput): string {
  const literal = addressLiteral(input.ip)
  const tcpInfo = input.clientName === null ? literal : `${input.clientName} ${literal}`
  // RFC 5322 §3.2.3 atom: atext only (no dots).
  const id = input.id.replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]/g, '') || 'unknown'
  const parts = [
    `Received: from ${sanitizeHelo(input.helo)} (${commentText(tcpInfo)})`,
    `by ${input.hostname} with ${input.protocol} id ${id}`,
  ]
  if (input.tls) parts.push(`(using ${commentText(input.tls.protocol)} with cipher ${commentText(input.tls.cipher)})`)
  if (input.recipient !== null) parts.push(`for <${input.recipient.replace(/[\r\n<>]/g, '')}>`)
  return foldHeaderField(`${parts.join(' ')}; ${formatMessageDate(input.date)}`)
}

/** RFC 5321 §4.4: the reverse-path, `<>` for the null sender. */
export function returnPathHeader(sender: string): string {
  return foldHeaderField(`Return-Path: <${sender.replace(/[\r\n<>]/g, '')}>`)
}
