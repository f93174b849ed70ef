// Outlook Autodiscover, the "Plain Old XML" protocol ([MS-OXDSCLI] §2.2.3/§2.2.4): the client POSTs
// an <Autodiscover> request naming EMailAddress and the response schema it accepts; we answer the
// Outlook 2006a schema with an email account (AccountType "email", Action "settings") holding one
// Protocol per type (IMAP, POP3, SMTP), each the most preferred endpoint of its kind.
import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom'
import type { MailEndpoint, MailEndpoints } from './mail-endpoints.ts'
import { escapeXml } from './xml-escape.ts'

export const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'
export const OUTLOOK_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

export interface AutodiscoverRequest {
  email: string
  acceptableSchema: string
}

/** Request bodies larger than this are refused before parsing. */
export const MAX_AUTODISCOVER_REQUEST_BYTES = 16 * 1024

/** Parse a POX request; null when it is not well-formed XML or lacks EMailAddress. */
export function parseAutodiscoverRequest(body: string): AutodiscoverRequest | null {
  let doc: ReturnType<DOMParser['parseFromString']>
  try {
    doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(body, 'text/xml')
  } catch {
    return null
  }
  const root = doc.documentElement
  if (!root || root.localName !== 'Autodiscover') return null
  const text = (name: string) => root.getElementsByTagNameNS('*', name).item(0)?.textContent?.trim() ?? ''
  const email = text('EMailAddress')
  if (email === '') return null
  // Clients that leave the schema out mean the Outlook one (it was the only one for POX).
  return { email, acceptableSchema: text('AcceptableResponseSchema') || OUTLOOK_RESPONSE_SCHEMA }
}

const TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const

function protocol(e: MailEndpoint, loginName: string): string {
  // [MS-OXDSCLI] §2.2.4.1.1.2.8: Encryption (None, SSL, TLS, Auto) overrides SSL; TLS = STARTTLS.
  return [
    '      <Protocol>',
    `        <Type>${TYPE[e.protocol]}</Type>`,
    `        <Server>${escapeXml(e.host)}</Server>`,
    `        <Port>${e.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    `        <LoginName>${escapeXml(loginName)}</LoginName>`,
    '        <SPA>off</SPA>',
    '        <SSL>on</SSL>',
    `        <Encryption>${e.security === 'tls' ? 'SSL' : 'TLS'}</Encryption>`,
    '        <AuthRequired>on</AuthRequired>',
    ...(e.protocol === 'smtp' ? ['        <UsePOPAuth>on</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ].join('\n')
}

export function autodiscoverResponse(email: string, displayName: string, endpoints: MailEndpoints): string {
  const firstOf = (list: MailEndpoint[], p: MailEndpoint['protocol']) => list.find(e => e.protocol === p)
  const chosen = [
    firstOf(endpoints.incoming, 'imap'),
    firstOf(endpoints.incoming, 'pop3'),
    firstOf(endpoints.outgoing, 'smtp'),
  ].filter((e): e is MailEndpoint => e !== undefined)
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    `  <Response xmlns="${OUTLOOK_RESPONSE_SCHEMA}">`,
    '    <User>',
    `      <DisplayName>${escapeXml(displayName)}</DisplayName>`,
    '    </User>',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...chosen.map(e => protocol(e, email)),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n')
}

/** [MS-OXDSCLI] §2.2.4.2 error response: 600 Invalid Request, 601 Requested schema not available. */
export function autodiscoverError(code: 600 | 601, message: string, at: Date): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_RESPONSE_NS}">`,
    '  <Response>',
    `    <Error Time="${at.toISOString().slice(11, 19)}" Id="0">`,
    `      <ErrorCode>${code}</ErrorCode>`,
    `      <Message>${escapeXml(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n')
}
