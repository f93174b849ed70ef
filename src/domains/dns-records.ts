// The DNS records a hosted domain should publish so that mail reaches this server, is accepted
// elsewhere, and clients configure themselves. Pure: inputs in, records out; the CLI
// (`mail-server domain dns`) and the REST API (`GET /api/v1/domains/{domain}/dns`) print the same
// list, and ./dns-check.ts compares it with what resolvers answer.
import { createHash } from 'node:crypto'

export const DNS_RECORD_TYPES = ['MX', 'A', 'AAAA', 'TXT', 'CNAME', 'SRV'] as const
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number]

export const DNS_RECORD_PURPOSES = [
  'mx',
  'host-ipv4',
  'host-ipv6',
  'spf',
  'dmarc',
  'dkim',
  'mta-sts',
  'mta-sts-host',
  'tls-rpt',
  'autoconfig',
  'autodiscover',
  'srv-submission',
  'srv-submissions',
  'srv-imap',
  'srv-imaps',
  'srv-pop3',
  'srv-pop3s',
  'srv-caldavs',
  'srv-carddavs',
  'txt-caldavs',
  'txt-carddavs',
] as const
export type DnsRecordPurpose = (typeof DNS_RECORD_PURPOSES)[number]

export interface ExpectedDnsRecord {
  purpose: DnsRecordPurpose
  type: DnsRecordType
  /** Owner name, fully qualified, without the trailing dot. */
  name: string
  /**
   * Record data in presentation form without quotes or trailing dots: `10 mail.example.org` (MX),
   * `0 1 587 mail.example.org` (SRV), the text of a TXT record, the target of a CNAME. Null when the
   * value is not known here (the server's public address when `dnsRecords.ipv4` is not set).
   */
  value: string | null
  /** False for records that only help (client autoconfiguration), true for what mail flow needs. */
  required: boolean
  /** The line to paste into a zone file (with placeholders where `value` is null). */
  zone: string
  /** Why the record exists, with its RFC. */
  note: string
}

/** A domain's DKIM public key as published: `<selector>._domainkey.<domain> TXT <value>` (RFC 6376 §3.6.2). */
export interface DkimDnsRecord {
  selector: string
  /** The TXT text, e.g. `v=DKIM1; k=rsa; p=MIIBIjAN…`. */
  value: string
}

export interface MailServicePorts {
  /** Null = the listener is off: its SRV record says "not available" (RFC 6186 §4, target "."). */
  submission: number | null
  submissions: number | null
  imap: number | null
  imaps: number | null
  pop3: number | null
  pop3s: number | null
  /** HTTPS port for CalDAV/CardDAV (RFC 6764 §3), null when HTTPS is off. */
  https: number | null
}

export interface DnsRecordOptions {
  /** The hosted domain, normalised (lower-case A-labels). */
  domain: string
  /** This server's host name (config `hostname`): MX target, SRV target, CNAME target. */
  hostname: string
  ipv4: readonly string[]
  ipv6: readonly string[]
  ports: MailServicePorts
  dkim: readonly DkimDnsRecord[]
  dmarcPolicy: 'none' | 'quarantine' | 'reject'
  /** Receives DMARC aggregate and TLS-RPT reports. */
  reportAddress: string
  /** Outbound path: SES sends from Amazon's servers, which SPF must allow (include:amazonses.com). */
  deliveryMethod: 'direct' | 'ses' | 'relay'
  /** The MTA-STS policy this server serves, or null when it serves none (no MTA-STS records then). */
  mtaSts: MtaStsPolicy | null
}

const TTL = 3600
/** RFC 1035 §3.3.14: one character-string holds at most 255 octets; longer TXT data is split. */
const MAX_TXT_STRING = 255

/** Zone-file form of TXT data: quoted character-strings of at most 255 octets. */
export function quoteTxt(text: string): string {
  const bytes = Buffer.from(text)
  const parts: string[] = []
  for (let i = 0; i < bytes.length || parts.length === 0; i += MAX_TXT_STRING) {
    parts.push(bytes.subarray(i, i + MAX_TXT_STRING).toString())
  }
  return parts.map(p => `"${p.replace(/["\\]/g, '\\$&')}"`).join(' ')
}

function zoneLine(type: DnsRecordType, name: string, value: string | null, placeholder: string): string {
  const absolute = (host: string) => (host === '.' ? '.' : `${host}.`)
  let data: string
  if (value === null) data = placeholder
  else if (type === 'TXT') data = quoteTxt(value)
  else if (type === 'CNAME') data = absolute(value)
  else if (type === 'MX' || type === 'SRV') {
    const fields = value.split(' ')
    const target = fields.pop() ?? ''
    data = [...fields, absolute(target)].join(' ')
  } else data = value
  return `${name}. ${TTL} IN ${type} ${data}`
}

/** The MTA-STS policy served at mta-sts.<domain> (config `mtaSts`), as far as its id depends on it. */
export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none'
  /** MX patterns; empty = the host name. */
  mx: readonly string[]
  maxAgeSeconds: number
}

/**
 * The MTA-STS policy id (RFC 8461 §3.1): senders refetch the policy when the id changes, so it is
 * derived from everything the policy says; 20 hex characters fit the 1*32 limit.
 */
export function mtaStsPolicyId(policy: MtaStsPolicy, hostname: string): string {
  const mx = policy.mx.length > 0 ? policy.mx : [hostname]
  return createHash('sha256')
    .update(`STSv1 ${policy.mode} ${mx.join(',')} ${policy.maxAgeSeconds}`)
    .digest('hex')
    .slice(0, 20)
}

export function expectedDnsRecords(options: DnsRecordOptions): ExpectedDnsRecord[] {
  const { domain, hostname } = options
  const records: ExpectedDnsRecord[] = []
  const add = (
    purpose: DnsRecordPurpose,
    type: DnsRecordType,
    name: string,
    value: string | null,
    required: boolean,
    note: string,
    placeholder = '',
  ) => records.push({ purpose, type, name, value, required, note, zone: zoneLine(type, name, value, placeholder) })

  add('mx', 'MX', domain, `10 ${hostname}`, true, 'Mail for the domain goes to this server (RFC 5321 §5.1)')
  const ipv4 = options.ipv4.length > 0 ? options.ipv4 : [null]
  for (const ip of ipv4) {
    add(
      'host-ipv4',
      'A',
      hostname,
      ip,
      true,
      'Address of the mail host; its reverse DNS (PTR) should name the host too',
      '<public IPv4 of this server>',
    )
  }
  for (const ip of options.ipv6) {
    add('host-ipv6', 'AAAA', hostname, ip, true, 'IPv6 address of the mail host (with a matching PTR)')
  }
  const spfMechanisms = options.deliveryMethod === 'ses' ? 'mx include:amazonses.com' : 'mx'
  add(
    'spf',
    'TXT',
    domain,
    `v=spf1 ${spfMechanisms} -all`,
    true,
    'Only the MX hosts send mail for the domain (RFC 7208 §4.6)',
  )
  add(
    'dmarc',
    'TXT',
    `_dmarc.${domain}`,
    `v=DMARC1; p=${options.dmarcPolicy}; rua=mailto:${options.reportAddress}`,
    true,
    'What receivers do with mail failing SPF and DKIM alignment, and where reports go (RFC 7489 §6.3)',
  )
  for (const key of options.dkim) {
    add(
      'dkim',
      'TXT',
      `${key.selector}._domainkey.${domain}`,
      key.value,
      true,
      'Public key for DKIM signatures of outgoing mail (RFC 6376 §3.6.2)',
    )
  }
  if (options.mtaSts) {
    add(
      'mta-sts',
      'TXT',
      `_mta-sts.${domain}`,
      `v=STSv1; id=${mtaStsPolicyId(options.mtaSts, hostname)}`,
      false,
      'Announces an MTA-STS policy: senders require TLS to the MX (RFC 8461 §3.1)',
    )
    add(
      'mta-sts-host',
      'CNAME',
      `mta-sts.${domain}`,
      hostname,
      false,
      'Host serving https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.2); its certificate must name it',
    )
  }
  add(
    'tls-rpt',
    'TXT',
    `_smtp._tls.${domain}`,
    `v=TLSRPTv1; rua=mailto:${options.reportAddress}`,
    false,
    'Where senders report TLS failures (RFC 8460 §3)',
  )
  add('autoconfig', 'CNAME', `autoconfig.${domain}`, hostname, false, 'Thunderbird autoconfiguration host')
  add('autodiscover', 'CNAME', `autodiscover.${domain}`, hostname, false, 'Outlook autodiscover host')

  // RFC 6186 §3.1 (submission), §3.2 (IMAP), §3.3 (POP3); RFC 8314 §5.1 adds _submissions.
  // Priority 0, weight 1 for the one server; a listener that is off gets target "." (RFC 6186 §4).
  const srv = (purpose: DnsRecordPurpose, service: string, port: number | null, what: string) =>
    add(
      purpose,
      'SRV',
      `_${service}._tcp.${domain}`,
      port === null ? '0 0 0 .' : `0 1 ${port} ${hostname}`,
      false,
      port === null ? `${what} is not offered (RFC 6186 §4)` : `${what}, for client autoconfiguration`,
    )
  srv('srv-submission', 'submission', options.ports.submission, 'Mail submission with STARTTLS (RFC 6186 §3.1)')
  srv('srv-submissions', 'submissions', options.ports.submissions, 'Mail submission over TLS (RFC 8314 §5.1)')
  srv('srv-imap', 'imap', options.ports.imap, 'IMAP with STARTTLS (RFC 6186 §3.2)')
  srv('srv-imaps', 'imaps', options.ports.imaps, 'IMAP over TLS (RFC 6186 §3.2)')
  srv('srv-pop3', 'pop3', options.ports.pop3, 'POP3 with STLS (RFC 6186 §3.3)')
  srv('srv-pop3s', 'pop3s', options.ports.pop3s, 'POP3 over TLS (RFC 6186 §3.3)')
  // RFC 6764 §3: CalDAV/CardDAV over TLS; §4: the TXT "path" names the context path. The
  // well-known URIs (§5) redirect to wherever the DAV handlers live.
  srv('srv-caldavs', 'caldavs', options.ports.https, 'CalDAV over HTTPS (RFC 6764 §3)')
  srv('srv-carddavs', 'carddavs', options.ports.https, 'CardDAV over HTTPS (RFC 6764 §3)')
  add(
    'txt-caldavs',
    'TXT',
    `_caldavs._tcp.${domain}`,
    'path=/.well-known/caldav',
    false,
    'CalDAV context path (RFC 6764 §4)',
  )
  add(
    'txt-carddavs',
    'TXT',
    `_carddavs._tcp.${domain}`,
    'path=/.well-known/carddav',
    false,
    'CardDAV context path (RFC 6764 §4)',
  )
  return records
}
