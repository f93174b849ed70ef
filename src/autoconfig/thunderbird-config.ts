// Thunderbird autoconfig document (clientConfig version 1.1, the format of Mozilla's ISPDB and of
// https://autoconfig.<domain>/mail/config-v1.1.xml; wiki.mozilla.org/Thunderbird:Autoconfiguration
// :ConfigFileFormat). Usernames use Thunderbird's %EMAILADDRESS% placeholder: every account here
// logs in with its full address.
import type { MailEndpoint, MailEndpoints } from './mail-endpoints.ts'
import { escapeXml } from './xml-escape.ts'

// ConfigFileFormat: socketType is "plain", "SSL" (implicit TLS) or "STARTTLS".
const SOCKET_TYPE = { tls: 'SSL', starttls: 'STARTTLS' } as const

export interface ThunderbirdConfigInput {
  domain: string
  displayName: string
  endpoints: MailEndpoints
}

function server(element: 'incomingServer' | 'outgoingServer', e: MailEndpoint): string {
  return [
    `    <${element} type="${e.protocol}">`,
    `      <hostname>${escapeXml(e.host)}</hostname>`,
    `      <port>${e.port}</port>`,
    `      <socketType>${SOCKET_TYPE[e.security]}</socketType>`,
    '      <username>%EMAILADDRESS%</username>',
    // The password travels inside TLS, so "cleartext" (PLAIN/LOGIN) is the right choice here.
    '      <authentication>password-cleartext</authentication>',
    `    </${element}>`,
  ].join('\n')
}

export function thunderbirdConfig(input: ThunderbirdConfigInput): string {
  const domain = escapeXml(input.domain)
  const name = escapeXml(input.displayName)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${domain}">`,
    `    <domain>${domain}</domain>`,
    `    <displayName>${name}</displayName>`,
    `    <displayShortName>${name}</displayShortName>`,
    ...input.endpoints.incoming.map(e => server('incomingServer', e)),
    ...input.endpoints.outgoing.map(e => server('outgoingServer', e)),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n')
}
