// The autoconfiguration documents as pure renderers: structure checked against a real Thunderbird
// ISPDB file, the Autodiscover POX schema elements, and Apple's plist format (parsed by Python's
// plistlib, a real property-list parser).
import { describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { DOMParser, type Element, onErrorStopParsing } from '@xmldom/xmldom'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { appleMobileconfig, stableUuid } from '../../../src/autoconfig/apple-mobileconfig.ts'
import {
  AUTODISCOVER_RESPONSE_NS,
  autodiscoverError,
  autodiscoverResponse,
  OUTLOOK_RESPONSE_SCHEMA,
  parseAutodiscoverRequest,
} from '../../../src/autoconfig/autodiscover.ts'
import { domainFromHost, hostWithoutPort } from '../../../src/autoconfig/hosted-domain.ts'
import { mailEndpoints } from '../../../src/autoconfig/mail-endpoints.ts'
import { mtaStsPolicy } from '../../../src/autoconfig/mta-sts-policy.ts'
import { thunderbirdConfig } from '../../../src/autoconfig/thunderbird-config.ts'
import { escapeXml } from '../../../src/autoconfig/xml-escape.ts'

const FIXTURE = path.join(import.meta.dir, '../../fixtures/autoconfig/gmx.net.xml')

function production() {
  const config = profileDefaults('production')
  config.hostname = 'mail.example.org'
  return config
}

const parseXml = (text: string) => new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml')
const children = (el: Element): Element[] => {
  const out: Element[] = []
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element)
  return out
}
const names = (el: Element): string[] => children(el).map(c => c.localName ?? '')
const child = (el: Element, name: string) => children(el).find(c => c.localName === name)
const text = (el: Element | undefined, name: string) => (el ? child(el, name)?.textContent : undefined)

describe('mail endpoints from the config', () => {
  test('production ports, implicit TLS first, MX port never offered to clients', () => {
    const e = mailEndpoints(production())
    expect(e.incoming.map(x => `${x.protocol}:${x.port}:${x.security}`)).toEqual([
      'imap:993:tls',
      'imap:143:starttls',
      'pop3:995:tls',
      'pop3:110:starttls',
    ])
    expect(e.outgoing.map(x => `${x.protocol}:${x.port}:${x.security}`)).toEqual(['smtp:465:tls', 'smtp:587:starttls'])
    expect(new Set([...e.incoming, ...e.outgoing].map(x => x.host))).toEqual(new Set(['mail.example.org']))
  })

  test('disabled listeners (and port 0) are left out', () => {
    const config = production()
    config.pop3.plain.enabled = false
    config.pop3.tls.enabled = false
    config.smtp.submissions.port = 0
    const e = mailEndpoints(config)
    expect(e.incoming.map(x => x.protocol)).toEqual(['imap', 'imap'])
    expect(e.outgoing.map(x => x.port)).toEqual([587])
  })
})

describe('Thunderbird config-v1.1.xml', () => {
  const fixture = parseXml(fs.readFileSync(FIXTURE, 'utf8'))
  const fixtureProvider = child(fixture.documentElement as Element, 'emailProvider') as Element
  const fixtureServer = (element: string) => children(fixtureProvider).find(c => c.localName === element) as Element

  const ours = parseXml(
    thunderbirdConfig({ domain: 'example.org', displayName: 'Example Mail', endpoints: mailEndpoints(production()) }),
  )
  const root = ours.documentElement as Element
  const provider = child(root, 'emailProvider') as Element

  test('root and provider look like the ISPDB file', () => {
    expect(root.localName).toBe(fixture.documentElement?.localName as string)
    expect(root.getAttribute('version')).toBe('1.1')
    expect(names(root)).toEqual(names(fixture.documentElement as Element))
    expect(provider.getAttribute('id')).toBe('example.org')
  })

  test('every element we emit under emailProvider exists in the ISPDB file, in its order', () => {
    const allowed = names(fixtureProvider)
    const ourNames = names(provider)
    for (const name of ourNames) expect(allowed).toContain(name)
    const order = (list: string[]) => [...new Set(list)]
    expect(order(ourNames)).toEqual(order(allowed).filter(n => ourNames.includes(n)))
  })

  test('each server element has the ISPDB child sequence and allowed values', () => {
    for (const element of ['incomingServer', 'outgoingServer']) {
      const expected = names(fixtureServer(element))
      const allowedTypes = new Set(
        children(fixtureProvider)
          .filter(c => c.localName === element)
          .map(c => c.getAttribute('type')),
      )
      for (const server of children(provider).filter(c => c.localName === element)) {
        expect(names(server)).toEqual(expected)
        expect(allowedTypes.has(server.getAttribute('type'))).toBe(true)
        expect(['SSL', 'STARTTLS']).toContain(text(server, 'socketType') as string)
        expect(text(server, 'username')).toBe('%EMAILADDRESS%')
        expect(text(server, 'authentication')).toBe('password-cleartext')
      }
    }
  })

  test('hosts and ports come from the config', () => {
    const servers = children(provider).filter(c => (c.localName ?? '').endsWith('Server'))
    expect(
      servers.map(s => `${s.getAttribute('type')} ${text(s, 'hostname')}:${text(s, 'port')} ${text(s, 'socketType')}`),
    ).toEqual([
      'imap mail.example.org:993 SSL',
      'imap mail.example.org:143 STARTTLS',
      'pop3 mail.example.org:995 SSL',
      'pop3 mail.example.org:110 STARTTLS',
      'smtp mail.example.org:465 SSL',
      'smtp mail.example.org:587 STARTTLS',
    ])
    expect(text(provider, 'domain')).toBe('example.org')
    expect(text(provider, 'displayName')).toBe('Example Mail')
  })

  test('markup in the display name stays text', () => {
    const doc = parseXml(
      thunderbirdConfig({
        domain: 'example.org',
        displayName: '<b>A & "B"</b>',
        endpoints: mailEndpoints(production()),
      }),
    )
    expect(text(child(doc.documentElement as Element, 'emailProvider'), 'displayName')).toBe('<b>A & "B"</b>')
  })
})

describe('Outlook Autodiscover (POX)', () => {
  const request = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request>${inner}</Request></Autodiscover>`

  test.each<[string, string, { email: string; acceptableSchema: string } | null]>([
    [
      'Outlook request',
      request(
        `<EMailAddress>ann@example.org</EMailAddress><AcceptableResponseSchema>${OUTLOOK_RESPONSE_SCHEMA}</AcceptableResponseSchema>`,
      ),
      { email: 'ann@example.org', acceptableSchema: OUTLOOK_RESPONSE_SCHEMA },
    ],
    [
      'no schema means Outlook',
      request('<EMailAddress> ann@example.org </EMailAddress>'),
      { email: 'ann@example.org', acceptableSchema: OUTLOOK_RESPONSE_SCHEMA },
    ],
    [
      'mobilesync schema',
      request(
        '<EMailAddress>a@b.org</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>',
      ),
      {
        email: 'a@b.org',
        acceptableSchema: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006',
      },
    ],
    ['no EMailAddress', request('<AcceptableResponseSchema>x</AcceptableResponseSchema>'), null],
    ['empty EMailAddress', request('<EMailAddress></EMailAddress>'), null],
    ['wrong root', '<Other><Request><EMailAddress>a@b.org</EMailAddress></Request></Other>', null],
    ['not XML', 'EMailAddress=a@b.org', null],
    ['unclosed', request('<EMailAddress>a@b.org'), null],
    ['empty body', '', null],
    [
      'external entity is not resolved',
      `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>`,
      null,
    ],
  ])('%s', (_name, body, expected) => {
    expect(parseAutodiscoverRequest(body)).toEqual(expected)
  })

  test('response has the POX schema elements, one Protocol per type, in schema order', () => {
    const doc = parseXml(autodiscoverResponse('ann@example.org', 'Example', mailEndpoints(production())))
    const root = doc.documentElement as Element
    expect(root.localName).toBe('Autodiscover')
    expect(root.namespaceURI).toBe(AUTODISCOVER_RESPONSE_NS)
    const response = child(root, 'Response') as Element
    expect(response.namespaceURI).toBe(OUTLOOK_RESPONSE_SCHEMA)
    const account = child(response, 'Account') as Element
    expect(text(account, 'AccountType')).toBe('email')
    expect(text(account, 'Action')).toBe('settings')
    const protocols = children(account).filter(c => c.localName === 'Protocol')
    expect(
      protocols.map(p => `${text(p, 'Type')} ${text(p, 'Server')}:${text(p, 'Port')} ${text(p, 'Encryption')}`),
    ).toEqual(['IMAP mail.example.org:993 SSL', 'POP3 mail.example.org:995 SSL', 'SMTP mail.example.org:465 SSL'])
    // [MS-OXDSCLI] §2.2.4.1.1.2: the Protocol children we use, in the schema's sequence.
    const schemaOrder = [
      'Type',
      'Server',
      'Port',
      'DomainRequired',
      'LoginName',
      'SPA',
      'SSL',
      'Encryption',
      'AuthRequired',
      'UsePOPAuth',
      'SMTPLast',
    ]
    for (const p of protocols) {
      const got = names(p)
      expect(got).toEqual(schemaOrder.filter(n => got.includes(n)))
      expect(text(p, 'LoginName')).toBe('ann@example.org')
      expect(text(p, 'AuthRequired')).toBe('on')
      expect(text(p, 'SPA')).toBe('off')
    }
  })

  test('STARTTLS-only submission is Encryption TLS', () => {
    const config = production()
    config.smtp.submissions.enabled = false
    const doc = parseXml(autodiscoverResponse('a@example.org', 'E', mailEndpoints(config)))
    const smtp = Array.from(doc.getElementsByTagName('Protocol')).find(
      p => text(p as Element, 'Type') === 'SMTP',
    ) as Element
    expect(text(smtp, 'Port')).toBe('587')
    expect(text(smtp, 'Encryption')).toBe('TLS')
  })

  test('error response carries ErrorCode and Message', () => {
    const doc = parseXml(autodiscoverError(600, 'Invalid Request', new Date(Date.UTC(2026, 0, 1, 12, 30, 0))))
    const error = doc.getElementsByTagName('Error').item(0) as Element
    expect(error.getAttribute('Time')).toBe('12:30:00')
    expect(text(error, 'ErrorCode')).toBe('600')
    expect(text(error, 'Message')).toBe('Invalid Request')
  })
})

async function parsePlist(xml: string): Promise<Record<string, unknown>> {
  const script = 'import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'
  const proc = Bun.spawn(['python3', '-c', script], {
    stdin: new TextEncoder().encode(xml),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`plistlib: ${err}`)
  return JSON.parse(out)
}

describe('Apple .mobileconfig', () => {
  const input = (dav = false) => ({
    email: 'ann@example.org',
    domain: 'example.org',
    displayName: 'Example & Co',
    endpoints: mailEndpoints(production()),
    dav: dav ? { host: 'mail.example.org', port: 443, useSsl: true } : null,
  })

  test('a valid property list with a Configuration payload holding the mail account', async () => {
    const plist = await parsePlist(appleMobileconfig(input()) as string)
    expect(plist.PayloadType).toBe('Configuration')
    expect(plist.PayloadVersion).toBe(1)
    expect(plist.PayloadRemovalDisallowed).toBe(false)
    expect(plist.PayloadOrganization).toBe('Example & Co')
    const content = plist.PayloadContent as Record<string, unknown>[]
    expect(content).toHaveLength(1)
    expect(content[0]).toMatchObject({
      PayloadType: 'com.apple.mail.managed',
      PayloadVersion: 1,
      EmailAccountType: 'EmailTypeIMAP',
      EmailAddress: 'ann@example.org',
      IncomingMailServerHostName: 'mail.example.org',
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: 'ann@example.org',
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: 'mail.example.org',
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
      OutgoingPasswordSameAsIncomingPassword: true,
    })
    expect(content[0]).not.toHaveProperty('IncomingPassword')
    for (const p of [plist, ...content])
      expect(p.PayloadUUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/)
  })

  test('CalDAV and CardDAV payloads when asked for', async () => {
    const content = (await parsePlist(appleMobileconfig(input(true)) as string)).PayloadContent as Record<
      string,
      unknown
    >[]
    expect(content.map(p => p.PayloadType)).toEqual([
      'com.apple.mail.managed',
      'com.apple.caldav.account',
      'com.apple.carddav.account',
    ])
    expect(content[1]).toMatchObject({
      CalDAVHostName: 'mail.example.org',
      CalDAVPort: 443,
      CalDAVUseSSL: true,
      CalDAVUsername: 'ann@example.org',
    })
    expect(content[2]).toMatchObject({ CardDAVHostName: 'mail.example.org', CardDAVPort: 443, CardDAVUseSSL: true })
  })

  test('identifiers are stable per address (re-download replaces) and differ between addresses', () => {
    const a = appleMobileconfig(input())
    expect(appleMobileconfig(input())).toBe(a)
    expect(appleMobileconfig({ ...input(), email: 'bob@example.org' })).not.toBe(a)
    expect(stableUuid('x')).toBe(stableUuid('x'))
    expect(stableUuid('x')).not.toBe(stableUuid('y'))
  })

  test('STARTTLS-only endpoints set UseSSL false; no TLS-capable endpoints give no profile', () => {
    const config = production()
    config.imap.tls.enabled = false
    config.smtp.submissions.enabled = false
    const xml = appleMobileconfig({ ...input(), endpoints: mailEndpoints(config) }) as string
    expect(xml).toContain('<key>IncomingMailServerPortNumber</key>\n      <integer>143</integer>')
    expect(xml).toContain('<key>IncomingMailServerUseSSL</key>\n      <false/>')
    config.smtp.submission.enabled = false
    expect(appleMobileconfig({ ...input(), endpoints: mailEndpoints(config) })).toBeNull()
  })
})

describe('MTA-STS policy (RFC 8461 §3.2)', () => {
  const settings = (over: Partial<ReturnType<typeof production>['mtaSts']> = {}) => ({
    ...production().mtaSts,
    ...over,
  })

  test('fields in order with CRLF line ends; mx defaults to the hostname', () => {
    expect(mtaStsPolicy(settings({ mode: 'enforce' }), 'mail.example.org')).toBe(
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmax_age: 604800\r\n',
    )
  })

  test('several mx patterns, lower-cased; max_age clamped to the RFC limit', () => {
    expect(
      mtaStsPolicy(
        settings({ mode: 'testing', mx: ['MX1.Example.org', '*.backup.example.org'], maxAgeSeconds: 99_999_999 }),
        'h',
      ),
    ).toBe(
      'version: STSv1\r\nmode: testing\r\nmx: mx1.example.org\r\nmx: *.backup.example.org\r\nmax_age: 31557600\r\n',
    )
  })

  test('every line matches the sts-policy-field grammar', () => {
    const policy = mtaStsPolicy(settings({ mode: 'none' }), 'mail.example.org')
    const lines = policy.split('\r\n').filter(Boolean)
    for (const line of lines)
      expect(line).toMatch(/^(version: STSv1|mode: (enforce|testing|none)|mx: (\*\.)?[a-z0-9.-]+|max_age: \d{1,10})$/)
  })
})

describe('host and escaping helpers', () => {
  test.each([
    ['autoconfig.example.org', 'autoconfig.example.org'],
    ['Autoconfig.Example.org:8080', 'autoconfig.example.org'],
    ['[::1]:8080', '::1'],
    ['[::1]', '::1'],
    ['example.org', 'example.org'],
  ])('hostWithoutPort(%p) = %p', (host, expected) => {
    expect(hostWithoutPort(host)).toBe(expected)
  })

  test.each([
    ['autoconfig.example.org', 'example.org'],
    ['autodiscover.example.org:443', 'example.org'],
    ['mta-sts.example.org', 'example.org'],
    ['example.org', 'example.org'],
    ['mail.example.org', 'mail.example.org'],
    ['127.0.0.1:8080', null],
    ['[::1]', null],
    ['', null],
    ['autoconfig.', null],
    ['bad_host.example.org', null],
  ])('domainFromHost(%p) = %p', (host, expected) => {
    expect(domainFromHost(host)).toBe(expected)
  })

  test('escapeXml escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001\u0007ok`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;ok',
    )
  })
})
