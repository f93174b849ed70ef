// Apple configuration profile (.mobileconfig) that sets up Mail on iOS, iPadOS and macOS: an
// unsigned XML property list (Apple "Configuration Profile Reference": top-level payload of type
// "Configuration" whose PayloadContent holds a com.apple.mail.managed payload, and optionally
// com.apple.caldav.account and com.apple.carddav.account). No password is included: the device
// asks for it when the profile is installed. Identifiers and UUIDs derive from the address, so
// downloading the profile again replaces the installed one instead of adding a second account.
import { createHash } from 'node:crypto'
import type { MailEndpoint, MailEndpoints } from './mail-endpoints.ts'
import { escapeXml } from './xml-escape.ts'

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config'

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue }

function plistValue(value: PlistValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<string>${escapeXml(value)}</string>`
  if (typeof value === 'number') return `${indent}<integer>${Math.trunc(value)}</integer>`
  if (typeof value === 'boolean') return `${indent}<${value}/>`
  if (Array.isArray(value))
    return [`${indent}<array>`, ...value.map(v => plistValue(v, `${indent}  `)), `${indent}</array>`].join('\n')
  const keys = Object.keys(value).sort()
  return [
    `${indent}<dict>`,
    ...keys.flatMap(k => [`${indent}  <key>${escapeXml(k)}</key>`, plistValue(value[k] as PlistValue, `${indent}  `)]),
    `${indent}</dict>`,
  ].join('\n')
}

export function renderPlist(root: { [key: string]: PlistValue }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plistValue(root, ''),
    '</plist>',
    '',
  ].join('\n')
}

/** A stable RFC 4122 UUID (version 5 layout over SHA-256) for `name`. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest()
  h[6] = ((h[6] as number) & 0x0f) | 0x50
  h[8] = ((h[8] as number) & 0x3f) | 0x80
  const hex = h.subarray(0, 16).toString('hex').toUpperCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export interface DavEndpoint {
  host: string
  port: number
  useSsl: boolean
}

export interface MobileconfigInput {
  email: string
  domain: string
  displayName: string
  endpoints: MailEndpoints
  /** CalDAV/CardDAV accounts on the HTTP listener (device discovers the paths, RFC 6764). */
  dav: DavEndpoint | null
}

/** The profile, or null when no incoming or no outgoing endpoint is enabled. */
export function appleMobileconfig(input: MobileconfigInput): string | null {
  const incoming = input.endpoints.incoming[0]
  const outgoing = input.endpoints.outgoing[0]
  if (!incoming || !outgoing) return null
  const reverse = input.domain.split('.').reverse().join('.')
  const base = `${reverse}.mailconfig.${createHash('sha256').update(input.email).digest('hex').slice(0, 16)}`
  const payload = (type: string, suffix: string, body: Record<string, PlistValue>) => ({
    ...body,
    PayloadType: type,
    PayloadIdentifier: `${base}.${suffix}`,
    PayloadUUID: stableUuid(`${base}.${suffix}`),
    PayloadVersion: 1,
  })
  // "UseSSL" means implicit TLS; with it off, Mail still upgrades through STARTTLS when offered.
  const ssl = (e: MailEndpoint) => e.security === 'tls'
  const content: PlistValue[] = [
    payload('com.apple.mail.managed', 'mail', {
      PayloadDisplayName: `${input.displayName} Mail`,
      PayloadDescription: `Mail account ${input.email}`,
      EmailAccountDescription: input.email,
      EmailAccountType: incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
      EmailAddress: input.email,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerHostName: incoming.host,
      IncomingMailServerPortNumber: incoming.port,
      IncomingMailServerUseSSL: ssl(incoming),
      IncomingMailServerUsername: input.email,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: outgoing.host,
      OutgoingMailServerPortNumber: outgoing.port,
      OutgoingMailServerUseSSL: ssl(outgoing),
      OutgoingMailServerUsername: input.email,
      OutgoingPasswordSameAsIncomingPassword: true,
      PreventAppSheet: false,
      PreventMove: false,
      SMIMEEnabled: false,
    }),
  ]
  if (input.dav) {
    const dav = input.dav
    content.push(
      payload('com.apple.caldav.account', 'caldav', {
        PayloadDisplayName: `${input.displayName} Calendar`,
        CalDAVAccountDescription: `${input.displayName} Calendar`,
        CalDAVHostName: dav.host,
        CalDAVPort: dav.port,
        CalDAVUseSSL: dav.useSsl,
        CalDAVUsername: input.email,
      }),
      payload('com.apple.carddav.account', 'carddav', {
        PayloadDisplayName: `${input.displayName} Contacts`,
        CardDAVAccountDescription: `${input.displayName} Contacts`,
        CardDAVHostName: dav.host,
        CardDAVPort: dav.port,
        CardDAVUseSSL: dav.useSsl,
        CardDAVUsername: input.email,
      }),
    )
  }
  return renderPlist({
    PayloadContent: content,
    PayloadDescription: `Sets up ${input.email} on this device.`,
    PayloadDisplayName: `${input.displayName} (${input.email})`,
    PayloadIdentifier: base,
    PayloadOrganization: input.displayName,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: stableUuid(base),
    PayloadVersion: 1,
  })
}
