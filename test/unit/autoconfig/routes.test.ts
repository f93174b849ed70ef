// The autoconfiguration routes on the real Hono app (createHttpApp with every mount), per domain,
// against real storage: hosted domains answer, unknown and disabled ones get 404.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHttpApp } from '../../../src/api/app.ts'
import { OUTLOOK_RESPONSE_SCHEMA } from '../../../src/autoconfig/autodiscover.ts'
import { buildInfo } from '../../../src/core/version.ts'
import { createTestDeps, type TestDeps } from '../observability/support/server-deps.ts'

let t: TestDeps
let app: ReturnType<typeof createHttpApp>

beforeAll(async () => {
  t = await createTestDeps(config => {
    config.mtaSts = { enabled: true, mode: 'enforce', mx: [], maxAgeSeconds: 86_400 }
    config.autoconfig.displayName = 'Example Mail'
  })
  await t.deps.storage.domains.add('example.org')
  await t.deps.storage.domains.add('other.test')
  await t.deps.storage.domains.add('off.test')
  await t.deps.storage.domains.setEnabled('off.test', false)
  app = createHttpApp({ deps: t.deps, probes: [], build: buildInfo(), startedAt: 0 })
})

afterAll(() => t.close())

const get = (path: string, host = 'mail.example.test') => app.request(path, { headers: { host } })
const autodiscover = (path: string, email: string) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${OUTLOOK_RESPONSE_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`,
  })

describe('Thunderbird autoconfig', () => {
  test.each([
    ['/mail/config-v1.1.xml?emailaddress=ann@example.org', 'mail.example.test', 'example.org'],
    ['/mail/config-v1.1.xml?emailaddress=Bob@Other.Test', 'autoconfig.example.org', 'other.test'],
    ['/mail/config-v1.1.xml', 'autoconfig.example.org', 'example.org'],
    ['/mail/config-v1.1.xml', 'autoconfig.other.test:443', 'other.test'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', 'example.org', 'example.org'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ann%40other.test', 'example.org', 'other.test'],
  ])('%s (Host %s) → document for %s', async (path, host, domain) => {
    const res = await get(path, host)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('xml')
    const body = await res.text()
    expect(body).toContain(`<emailProvider id="${domain}">`)
    expect(body).toContain('<hostname>mail.example.test</hostname>')
    expect(body).toContain('<displayName>Example Mail</displayName>')
  })

  test.each([
    ['/mail/config-v1.1.xml?emailaddress=ann@unknown.test', 'autoconfig.example.org'],
    ['/mail/config-v1.1.xml?emailaddress=not-an-address', 'autoconfig.example.org'],
    ['/mail/config-v1.1.xml?emailaddress=ann@off.test', 'autoconfig.off.test'],
    ['/mail/config-v1.1.xml', 'autoconfig.unknown.test'],
    ['/mail/config-v1.1.xml', 'autoconfig.off.test'],
    ['/mail/config-v1.1.xml', '127.0.0.1:8080'],
    ['/.well-known/autoconfig/mail/config-v1.1.xml', 'unknown.test'],
  ])('%s (Host %s) → 404', async (path, host) => {
    expect((await get(path, host)).status).toBe(404)
  })
})

describe('Outlook Autodiscover', () => {
  test.each(['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml'])(
    'POST %s answers for a hosted domain',
    async path => {
      const res = await autodiscover(path, 'ann@example.org')
      expect(res.status).toBe(200)
      const body = await res.text()
      expect(body).toContain('<LoginName>ann@example.org</LoginName>')
      expect(body).toContain('<Server>mail.example.test</Server>')
    },
  )

  test('unknown or disabled domain → 404; malformed request → 400 with error 600', async () => {
    expect((await autodiscover('/autodiscover/autodiscover.xml', 'ann@unknown.test')).status).toBe(404)
    expect((await autodiscover('/autodiscover/autodiscover.xml', 'ann@off.test')).status).toBe(404)
    const bad = await app.request('/autodiscover/autodiscover.xml', { method: 'POST', body: '<nope' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('<ErrorCode>600</ErrorCode>')
  })

  test('an oversized request is refused before parsing', async () => {
    const res = await app.request('/autodiscover/autodiscover.xml', {
      method: 'POST',
      body: `<Autodiscover>${'x'.repeat(20_000)}</Autodiscover>`,
    })
    expect([400, 413]).toContain(res.status)
  })

  test('a schema other than Outlook 2006a gets error 601', async () => {
    const res = await app.request('/autodiscover/autodiscover.xml', {
      method: 'POST',
      body: '<Autodiscover><Request><EMailAddress>ann@example.org</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>',
    })
    expect(await res.text()).toContain('<ErrorCode>601</ErrorCode>')
  })
})

describe('Apple .mobileconfig', () => {
  test('download for a hosted address', async () => {
    const res = await get('/apple/mobileconfig?email=ann@example.org')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-apple-aspen-config')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="example.org.mobileconfig"')
    expect(await res.text()).toContain('<string>ann@example.org</string>')
  })

  test.each([
    ['/apple/mobileconfig', 400],
    ['/apple/mobileconfig?email=', 400],
    ['/apple/mobileconfig?email=ann@unknown.test', 404],
    ['/apple/mobileconfig?email=ann@off.test', 404],
    ['/apple/mobileconfig?email=garbage', 404],
  ])('%s → %p', async (path, status) => {
    expect((await get(path)).status).toBe(status)
  })
})

describe('MTA-STS policy', () => {
  test('served as text/plain for mta-sts.<hosted domain>', async () => {
    const res = await get('/.well-known/mta-sts.txt', 'mta-sts.example.org')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/plain')
    expect(await res.text()).toBe('version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmax_age: 86400\r\n')
  })

  test.each(['mta-sts.unknown.test', 'mta-sts.off.test', 'example.org', 'autoconfig.example.org'])(
    'Host %s → 404',
    async host => {
      expect((await get('/.well-known/mta-sts.txt', host)).status).toBe(404)
    },
  )
})

describe('switched off', () => {
  test('autoconfig.enabled=false and mtaSts.enabled=false remove the routes', async () => {
    const off = await createTestDeps(config => {
      config.autoconfig.enabled = false
    })
    try {
      await off.deps.storage.domains.add('example.org')
      const app2 = createHttpApp({ deps: off.deps, probes: [], build: buildInfo(), startedAt: 0 })
      for (const path of [
        '/mail/config-v1.1.xml?emailaddress=a@example.org',
        '/apple/mobileconfig?email=a@example.org',
      ])
        expect((await app2.request(path)).status).toBe(404)
      expect(
        (await app2.request('/.well-known/mta-sts.txt', { headers: { host: 'mta-sts.example.org' } })).status,
      ).toBe(404)
    } finally {
      off.close()
    }
  })
})
