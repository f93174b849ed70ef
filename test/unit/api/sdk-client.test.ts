// The TypeScript SDK: one method per OpenAPI operation and no method without one, each calling the
// method and path the document names; then the client against the real API app (its fetch is the
// app's), covering path encoding, query values, bodies, 204s, errors and pagination.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test'
import { openApiDocumentFor } from '../../../src/api/v1/api-v1.ts'
import { apiOperations } from '../../../src/api/v1/contract/index.ts'
import {
  clientOperationIds,
  createMailServerClient,
  listAll,
  MailServerApiError,
  type MailServerClient,
} from '../../../src/sdk/index.ts'
import { type ApiFixture, startApiFixture } from './support/api-fixture.ts'

// Argon2id hashes (account create, set password, login checks) take ~150 ms each, seconds when the
// machine is busy: the suite runner's per-test limit, not bun's 5 s default.
setDefaultTimeout(20_000)

let f: ApiFixture
let mail: MailServerClient
const seen: { method: string; url: string }[] = []

beforeAll(async () => {
  f = await startApiFixture()
  mail = createMailServerClient({
    baseUrl: 'http://mail.test',
    token: await f.token(['admin']),
    fetch: async request => {
      seen.push({ method: request.method, url: request.url })
      return await f.app.fetch(request)
    },
  })
})
afterAll(() => f.close())

test('every OpenAPI operation has an SDK method, and every SDK method an operation', () => {
  const documented = Object.values(openApiDocumentFor('x').paths).flatMap(item =>
    Object.values(item).map(op => op.operationId),
  )
  const ids = clientOperationIds(mail)
  expect(ids.length).toBe(new Set(ids).size)
  expect(new Set(ids)).toEqual(new Set(documented))
})

test('each SDK method calls the method and path its operation documents', async () => {
  const doc = openApiDocumentFor('x')
  const calls: { method: string; path: string }[] = []
  const recorder = createMailServerClient({
    baseUrl: 'http://h/api/v1/',
    fetch: async request => {
      calls.push({ method: request.method, path: new URL(request.url).pathname })
      return new Response(null, { status: 204 })
    },
  })
  for (const group of Object.values(recorder)) {
    for (const method of Object.values(group) as ((input: Record<string, string>) => Promise<unknown>)[]) {
      const operation = apiOperations[(method as unknown as { operationId: keyof typeof apiOperations }).operationId]
      const input: Record<string, string> = {}
      for (const [, name] of operation.path.matchAll(/\{([^}]+)\}/g)) input[name as string] = `v-${name}`
      calls.length = 0
      await method(input)
      const documented = doc.paths[operation.path]?.[operation.method]
      expect(documented?.operationId).toBe(operation.operationId)
      expect(calls).toEqual([
        { method: operation.method.toUpperCase(), path: `/api/v1${operation.path.replace(/\{([^}]+)\}/g, 'v-$1')}` },
      ])
    }
  }
})

test('a round trip through the SDK: domains, accounts, aliases, DNS, status', async () => {
  const domain = await mail.domains.create({ name: 'sdk.test' })
  expect(domain.name).toBe('sdk.test')
  const created = await mail.accounts.create({ email: 'a+b@sdk.test', generatePassword: true, quotaBytes: 5000 })
  expect(created.account.email).toBe('a+b@sdk.test')
  expect(typeof created.generatedPassword).toBe('string')
  // '+' and '@' in a path segment survive the trip.
  const account = await mail.accounts.get({ email: 'a+b@sdk.test' })
  expect(account.usage).toEqual({ messages: 0, bytes: 0 })
  expect(seen.at(-1)?.url).toBe('http://mail.test/api/v1/accounts/a%2Bb%40sdk.test')
  const updated = await mail.accounts.update({ email: 'a+b@sdk.test', disabled: true })
  expect(updated.disabled).toBe(true)

  await mail.aliases.create({ address: 'all@sdk.test', targets: ['a+b@sdk.test'] })
  expect((await mail.aliases.get({ address: 'all@sdk.test' })).targets).toEqual(['a+b@sdk.test'])
  expect(await mail.aliases.delete({ address: 'all@sdk.test' })).toBeUndefined()

  const dns = await mail.domains.dnsRecords({ domain: 'sdk.test' })
  expect(dns.records.some(r => r.purpose === 'mx' && r.value === '10 mail.example.test')).toBe(true)
  const check = await mail.domains.checkDns({ domain: 'sdk.test' })
  expect(check.summary.missing).toBe(check.records.length)

  expect((await mail.server.status()).status).toBe('ok')
  expect((await mail.server.stats()).domains).toBe(1)
  expect((await mail.server.openApiDocument()).openapi).toBe('3.1.0')

  // Query booleans are written as text and read back as booleans.
  await mail.accounts.delete({ email: 'a+b@sdk.test', keepData: true })
  expect(seen.at(-1)?.url).toBe('http://mail.test/api/v1/accounts/a%2Bb%40sdk.test?keepData=true')
  await mail.domains.delete({ domain: 'sdk.test', force: true })
  expect(await f.storage.domains.get('sdk.test')).toBeNull()
})

test('errors arrive as MailServerApiError with status, code and details', async () => {
  const missing = await mail.domains.get({ domain: 'none.test' }).catch(e => e)
  expect(missing).toBeInstanceOf(MailServerApiError)
  expect([missing.status, missing.code]).toEqual([404, 'unknown_domain'])
  const invalid = await mail.accounts.create({ email: 'x@none.test', password: 'short' }).catch(e => e)
  expect([invalid.status, invalid.code]).toEqual([400, 'invalid_request'])
  expect(invalid.details.issues[0].path).toBe('body.password')
  const anonymous = createMailServerClient({ baseUrl: 'http://mail.test', fetch: async r => f.app.fetch(r) })
  const denied = await anonymous.domains.list().catch(e => e)
  expect([denied.status, denied.code]).toEqual([401, 'unauthorized'])
  // Not our error format (a proxy page): still a MailServerApiError.
  const proxied = createMailServerClient({
    baseUrl: 'http://mail.test',
    fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }),
  })
  const gateway = await proxied.server.status().catch(e => e)
  expect([gateway.status, gateway.code]).toEqual([502, 'http_error'])
  expect(gateway.message).toContain('Bad gateway')
})

test('listAll follows cursors across pages', async () => {
  for (const name of ['p1.test', 'p2.test', 'p3.test', 'p4.test', 'p5.test']) await mail.domains.create({ name })
  const before = seen.length
  const names: string[] = []
  for await (const d of listAll(mail.domains.list, { limit: 2 })) names.push(d.name)
  expect(names).toEqual(['p1.test', 'p2.test', 'p3.test', 'p4.test', 'p5.test'])
  expect(seen.length - before).toBe(3)
})

test('bad SDK input fails before any request', async () => {
  const before = seen.length
  // @ts-expect-error the domain is required
  await expect(mail.domains.get({})).rejects.toThrow('needs "domain"')
  // @ts-expect-error no such field
  await expect(mail.domains.get({ domain: 'x.test', color: 'red' })).rejects.toThrow('has no field "color"')
  expect(seen.length).toBe(before)
})
