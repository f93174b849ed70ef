// The records a domain should publish (src/domains/dns-records.ts) and their live check against a
// resolver (src/domains/dns-check.ts), with a memory zone for every status.
import { describe, expect, test } from 'bun:test'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { checkDnsRecords, parseTagList, summariseDnsCheck } from '../../../src/domains/dns-check.ts'
import {
  type DnsRecordOptions,
  DNS_RECORD_PURPOSES,
  expectedDnsRecords,
  mtaStsPolicyId,
  quoteTxt,
} from '../../../src/domains/dns-records.ts'
import { dnsRecordOptionsFromConfig, domainDnsRecords } from '../../../src/domains/domain-dns-records.ts'
import { createMemoryResolver } from '../../../src/security/dns/memory-resolver.ts'

const DKIM = 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu5'

const options = (over: Partial<DnsRecordOptions> = {}): DnsRecordOptions => ({
  domain: 'example.org',
  hostname: 'mail.example.org',
  ipv4: ['192.0.2.10'],
  ipv6: ['2001:db8::10'],
  ports: { submission: 587, submissions: 465, imap: 143, imaps: 993, pop3: 110, pop3s: 995, https: 443 },
  dkim: [{ selector: 's1', value: DKIM }],
  dmarcPolicy: 'reject',
  reportAddress: 'reports@example.org',
  deliveryMethod: 'direct',
  mtaSts: { mode: 'enforce', mx: [], maxAgeSeconds: 604800 },
  ...over,
})

const byPurpose = (records: ReturnType<typeof expectedDnsRecords>) => new Map(records.map(r => [r.purpose, r]))

describe('expected records', () => {
  test('every purpose appears once, with its name, value and zone line', () => {
    const records = expectedDnsRecords(options())
    expect(records.map(r => r.purpose).sort()).toEqual([...DNS_RECORD_PURPOSES].sort())
    const r = byPurpose(records)
    expect(r.get('mx')).toMatchObject({ type: 'MX', name: 'example.org', value: '10 mail.example.org', required: true })
    expect(r.get('mx')?.zone).toBe('example.org. 3600 IN MX 10 mail.example.org.')
    expect(r.get('host-ipv4')?.zone).toBe('mail.example.org. 3600 IN A 192.0.2.10')
    expect(r.get('host-ipv6')?.zone).toBe('mail.example.org. 3600 IN AAAA 2001:db8::10')
    expect(r.get('spf')?.value).toBe('v=spf1 mx -all')
    expect(r.get('dmarc')).toMatchObject({
      name: '_dmarc.example.org',
      value: 'v=DMARC1; p=reject; rua=mailto:reports@example.org',
    })
    expect(r.get('dkim')).toMatchObject({ name: 's1._domainkey.example.org', value: DKIM })
    expect(r.get('mta-sts')?.value).toMatch(/^v=STSv1; id=[0-9a-f]{20}$/)
    expect(r.get('mta-sts-host')?.zone).toBe('mta-sts.example.org. 3600 IN CNAME mail.example.org.')
    expect(r.get('tls-rpt')).toMatchObject({
      name: '_smtp._tls.example.org',
      value: 'v=TLSRPTv1; rua=mailto:reports@example.org',
    })
    expect(r.get('autoconfig')?.value).toBe('mail.example.org')
    expect(r.get('autodiscover')?.name).toBe('autodiscover.example.org')
    expect(r.get('srv-submission')?.zone).toBe('_submission._tcp.example.org. 3600 IN SRV 0 1 587 mail.example.org.')
    expect(r.get('srv-submissions')?.value).toBe('0 1 465 mail.example.org')
    expect(r.get('srv-imap')?.name).toBe('_imap._tcp.example.org')
    expect(r.get('srv-imaps')?.value).toBe('0 1 993 mail.example.org')
    expect(r.get('srv-pop3')?.value).toBe('0 1 110 mail.example.org')
    expect(r.get('srv-pop3s')?.value).toBe('0 1 995 mail.example.org')
    expect(r.get('srv-caldavs')?.value).toBe('0 1 443 mail.example.org')
    expect(r.get('srv-carddavs')?.name).toBe('_carddavs._tcp.example.org')
    expect(r.get('txt-caldavs')).toMatchObject({ name: '_caldavs._tcp.example.org', value: 'path=/.well-known/caldav' })
    expect(r.get('txt-carddavs')?.value).toBe('path=/.well-known/carddav')
  })

  test('listeners that are off get the RFC 6186 "not available" target', () => {
    const r = byPurpose(expectedDnsRecords(options({ ports: { ...options().ports, pop3: null, https: null } })))
    expect(r.get('srv-pop3')?.zone).toBe('_pop3._tcp.example.org. 3600 IN SRV 0 0 0 .')
    expect(r.get('srv-caldavs')?.value).toBe('0 0 0 .')
    expect(r.get('srv-imap')?.value).toBe('0 1 143 mail.example.org')
  })

  test('no address configured: a placeholder A record, no AAAA; SES widens SPF; no MTA-STS without a policy', () => {
    const records = expectedDnsRecords(options({ ipv4: [], ipv6: [], deliveryMethod: 'ses', mtaSts: null, dkim: [] }))
    const r = byPurpose(records)
    expect(r.get('host-ipv4')?.value).toBeNull()
    expect(r.get('host-ipv4')?.zone).toBe('mail.example.org. 3600 IN A <public IPv4 of this server>')
    expect(r.has('host-ipv6')).toBe(false)
    expect(r.get('spf')?.value).toBe('v=spf1 mx include:amazonses.com -all')
    expect(r.has('mta-sts')).toBe(false)
    expect(r.has('dkim')).toBe(false)
  })

  test('the MTA-STS id changes with the policy and only then', () => {
    const policy = { mode: 'enforce' as const, mx: [], maxAgeSeconds: 604800 }
    const id = mtaStsPolicyId(policy, 'mail.example.org')
    expect(mtaStsPolicyId({ ...policy }, 'mail.example.org')).toBe(id)
    expect(mtaStsPolicyId({ ...policy, mode: 'testing' }, 'mail.example.org')).not.toBe(id)
    expect(mtaStsPolicyId(policy, 'mx2.example.org')).not.toBe(id)
    expect(mtaStsPolicyId({ ...policy, mx: ['mail.example.org'] }, 'other')).toBe(id)
  })

  test.each([
    ['v=spf1 -all', '"v=spf1 -all"'],
    ['', '""'],
    ['say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'],
    ['a'.repeat(300), `"${'a'.repeat(255)}" "${'a'.repeat(45)}"`],
  ])('quoteTxt(%p)', (text, zone) => {
    expect(quoteTxt(text)).toBe(zone)
  })

  test('options come from the config: host name, listener ports, report address default', async () => {
    const config = profileDefaults('production')
    config.hostname = 'MX.Example.net'
    config.pop3.plain.enabled = false
    const o = dnsRecordOptionsFromConfig(config, 'example.org', [])
    expect(o.hostname).toBe('mx.example.net')
    expect(o.ports).toEqual({
      submission: 587,
      submissions: 465,
      imap: 143,
      imaps: 993,
      pop3: null,
      pop3s: 995,
      https: 443,
    })
    expect(o.reportAddress).toBe('postmaster@example.org')
    expect(o.mtaSts).toBeNull()
    const listed = await domainDnsRecords(config, 'example.org', {
      published: async () => [
        {
          domain: 'example.org',
          selector: 'k1',
          algorithm: 'rsa-sha256',
          dnsValue: DKIM,
          createdAt: null,
          active: true,
        },
      ],
      list: async () => [],
    })
    expect(listed.records.find(r => r.purpose === 'dkim')?.name).toBe('k1._domainkey.example.org')
    expect(listed.notes.join('\n')).toContain('dnsRecords.ipv4')
    expect(listed.notes.join('\n')).not.toContain('DKIM')
  })
})

describe('tag lists', () => {
  test.each([
    ['v=DMARC1; p=reject; rua=mailto:a@b', { v: 'DMARC1', p: 'reject', rua: 'mailto:a@b' }],
    ['V=DKIM1;K=rsa ; p = AB CD ;', { v: 'DKIM1', k: 'rsa', p: 'AB CD' }],
    ['p=1; p=2', { p: '1' }],
    ['no tags here', {}],
    ['=x; ok=1', { ok: '1' }],
    ['', {}],
  ])('parseTagList(%p)', (text, tags) => {
    expect(Object.fromEntries(parseTagList(text))).toEqual(tags)
  })
})

describe('live check', () => {
  const records = expectedDnsRecords(options())
  const status = async (
    zone: Parameters<typeof createMemoryResolver>[0],
    setup?: (r: ReturnType<typeof createMemoryResolver>) => void,
  ) => {
    const resolver = createMemoryResolver(zone)
    setup?.(resolver)
    const checked = await checkDnsRecords(records, resolver)
    return { checked, by: new Map(checked.map(c => [c.purpose, c])), resolver }
  }

  test('nothing published: every record is missing', async () => {
    const { checked } = await status({})
    expect(new Set(checked.map(c => c.status))).toEqual(new Set(['missing']))
    expect(summariseDnsCheck(checked).missing).toBe(records.length)
  })

  test('a zone published exactly as listed is all published (spellings and splits may differ)', async () => {
    const { by, checked, resolver } = await status({
      'example.org': {
        MX: [{ exchange: 'MAIL.example.org', priority: 20 }],
        TXT: ['google-site-verification=xyz', 'v=spf1  MX -all'],
      },
      'mail.example.org': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8:0:0::10'] },
      '_dmarc.example.org': { TXT: ['v=DMARC1;p=reject; rua=mailto:reports@example.org; pct=100'] },
      // A long key split into character-strings by the zone.
      's1._domainkey.example.org': { TXT: [[DKIM.slice(0, 30), DKIM.slice(30)]] },
      '_mta-sts.example.org': { TXT: ['v=STSv1; id=20260101'] },
      'mta-sts.example.org': { CNAME: 'mail.example.org' },
      '_smtp._tls.example.org': { TXT: ['v=TLSRPTv1; rua=mailto:reports@example.org'] },
      'autoconfig.example.org': { CNAME: 'mail.example.org.' },
      'autodiscover.example.org': { CNAME: 'mail.example.org' },
      '_submission._tcp.example.org': { SRV: [{ priority: 5, weight: 0, port: 587, name: 'mail.example.org' }] },
      '_submissions._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 465, name: 'mail.example.org' }] },
      '_imap._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 143, name: 'mail.example.org' }] },
      '_imaps._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 993, name: 'mail.example.org' }] },
      '_pop3._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 110, name: 'mail.example.org' }] },
      '_pop3s._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 995, name: 'mail.example.org' }] },
      '_caldavs._tcp.example.org': {
        SRV: [{ priority: 0, weight: 1, port: 443, name: 'mail.example.org' }],
        TXT: ['path=/.well-known/caldav'],
      },
      '_carddavs._tcp.example.org': {
        SRV: [{ priority: 0, weight: 1, port: 443, name: 'mail.example.org' }],
        TXT: ['path=/.well-known/carddav'],
      },
    })
    expect(checked.filter(c => c.status !== 'published').map(c => [c.purpose, c.status, c.found])).toEqual([])
    expect(by.get('spf')?.found).toEqual(['v=spf1  MX -all'])
    expect(by.get('mx')?.found).toEqual(['20 mail.example.org'])
    expect(by.get('host-ipv6')?.found).toEqual(['2001:db8::10'])
    // One query per name and type, however many records share it.
    const asked = resolver.queries.map(q => `${q.name}/${q.type}`)
    expect(asked.length).toBe(new Set(asked).size)
  })

  test('published with other data: different, with what was found', async () => {
    const { by } = await status({
      'example.org': { MX: [{ exchange: 'mx.elsewhere.net', priority: 10 }], TXT: ['v=spf1 a -all'] },
      'mail.example.org': { A: ['198.51.100.1'] },
      '_dmarc.example.org': { TXT: ['v=DMARC1; p=none'] },
      's1._domainkey.example.org': { TXT: ['v=DKIM1; k=rsa; p=OTHERKEY'] },
      'autoconfig.example.org': { CNAME: 'other.example.net' },
      '_imaps._tcp.example.org': { SRV: [{ priority: 0, weight: 1, port: 9993, name: 'mail.example.org' }] },
      '_caldavs._tcp.example.org': { TXT: ['path=/dav/'] },
    })
    for (const purpose of [
      'mx',
      'spf',
      'host-ipv4',
      'dmarc',
      'dkim',
      'autoconfig',
      'srv-imaps',
      'txt-caldavs',
    ] as const) {
      expect([purpose, by.get(purpose)?.status]).toEqual([purpose, 'different'])
    }
    expect(by.get('mx')?.found).toEqual(['10 mx.elsewhere.net'])
    expect(by.get('srv-imaps')?.found).toEqual(['0 1 9993 mail.example.org'])
  })

  test('two SPF records are different whatever they say (RFC 7208 §4.5)', async () => {
    const { by } = await status({ 'example.org': { TXT: ['v=spf1 mx -all', 'v=spf1 -all'] } })
    expect(by.get('spf')?.status).toBe('different')
    expect(by.get('spf')?.found).toHaveLength(2)
  })

  test('an unrelated TXT record at the name does not count as the record', async () => {
    const { by } = await status({ '_dmarc.example.org': { TXT: ['hello'] }, 'example.org': { TXT: ['v=spf10 x'] } })
    expect(by.get('dmarc')?.status).toBe('missing')
    expect(by.get('dmarc')?.found).toEqual(['hello'])
    expect(by.get('spf')?.status).toBe('missing')
  })

  test('a failing lookup is an error, not "missing"', async () => {
    const { by, checked } = await status({}, r => r.fail('_dmarc.example.org', 'ESERVFAIL'))
    expect(by.get('dmarc')).toMatchObject({ status: 'error', found: [] })
    expect(by.get('dmarc')?.error).toContain('ESERVFAIL')
    expect(by.get('spf')?.status).toBe('missing')
    expect(summariseDnsCheck(checked).error).toBe(1)
  })

  test('the placeholder A record is published by any address', async () => {
    const placeholder = expectedDnsRecords(options({ ipv4: [] })).filter(r => r.type === 'A')
    const resolver = createMemoryResolver({ 'mail.example.org': { A: ['203.0.113.9'] } })
    expect((await checkDnsRecords(placeholder, resolver))[0]).toMatchObject({
      status: 'published',
      found: ['203.0.113.9'],
    })
  })
})
