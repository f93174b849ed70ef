// The DNS records of one hosted domain as this server's configuration calls for them, with notes
// on what could not be filled in. Shared by `mail-server domain dns` and the REST API.
import type { Config } from '../config/schema.ts'
import type { DkimKeySource } from './dkim-key-source.ts'
import { type DnsRecordOptions, type ExpectedDnsRecord, expectedDnsRecords } from './dns-records.ts'

export interface DomainDnsRecords {
  domain: string
  hostname: string
  records: ExpectedDnsRecord[]
  /** What is missing from the list and why (no DKIM key yet, no public address configured, …). */
  notes: string[]
}

/** Record options from the configuration; `domain` must be normalised already. */
export function dnsRecordOptionsFromConfig(
  config: Config,
  domain: string,
  dkim: DnsRecordOptions['dkim'],
): DnsRecordOptions {
  const on = (listener: { enabled: boolean; port: number }) => (listener.enabled ? listener.port : null)
  return {
    domain,
    hostname: config.hostname.toLowerCase(),
    ipv4: config.dnsRecords.ipv4,
    ipv6: config.dnsRecords.ipv6,
    ports: {
      submission: on(config.smtp.submission),
      submissions: on(config.smtp.submissions),
      imap: on(config.imap.plain),
      imaps: on(config.imap.tls),
      pop3: on(config.pop3.plain),
      pop3s: on(config.pop3.tls),
      https: config.http.enabled && config.http.tlsEnabled ? config.http.tlsPort : null,
    },
    dkim,
    dmarcPolicy: config.dnsRecords.dmarcPolicy,
    reportAddress: config.dnsRecords.reportAddress || `postmaster@${domain}`,
    deliveryMethod: config.delivery.method,
    mtaSts: config.mtaSts.enabled ? config.mtaSts : null,
  }
}

export async function domainDnsRecords(
  config: Config,
  domain: string,
  dkimKeys: DkimKeySource,
): Promise<DomainDnsRecords> {
  const keys = (await dkimKeys.published(domain)).filter(k => k.domain === domain)
  const options = dnsRecordOptionsFromConfig(
    config,
    domain,
    keys.map(k => ({ selector: k.selector, value: k.dnsValue })),
  )
  const notes: string[] = []
  if (!options.hostname.includes('.')) {
    notes.push(`the host name is "${options.hostname}": set \`hostname\` to this server's public name first`)
  }
  if (options.ipv4.length === 0) {
    notes.push('the A record shows a placeholder: set dnsRecords.ipv4 to the public address of this server')
  }
  if (keys.length === 0) notes.push(`no DKIM key for ${domain} yet: its TXT record appears once a key exists`)
  if (!options.mtaSts) notes.push('no MTA-STS records: this server serves no policy (mtaSts.enabled is false)')
  return { domain, hostname: options.hostname, records: expectedDnsRecords(options), notes }
}
