// Bad input to /api/v1: malformed or non-JSON bodies, unknown fields (strict schemas), oversized
// bodies, bad query parameters and cursors, unknown routes and methods. Each is a 4xx with an
// error body that says what was wrong, and changes nothing.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type ApiFixture, startApiFixture } from './support/api-fixture.ts'

let f: ApiFixture
let token: string
beforeAll(async () => {
  f = await startApiFixture({ configure: c => (c.api.maxBodyBytes = 2048) })
  token = await f.token(['admin'])
  await f.storage.domains.add('example.test')
})
afterAll(() => f.close())

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: { path: string; message: string; code: string }[] } }
}

async function expectError(response: Response, status: number, code: string): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody
  expect([response.status, body.error.code]).toEqual([status, code])
  return body.error
}

test.each([
  ['{"name": ', 'invalid_json'],
  ['[1,2', 'invalid_json'],
  ["{'name': 'x.test'}", 'invalid_json'],
  ['', 'invalid_json'],
  ['   ', 'invalid_json'],
  ['"a string"', 'invalid_request'],
  ['[]', 'invalid_request'],
  ['null', 'invalid_request'],
  ['42', 'invalid_request'],
])('POST /domains with body %p → 400 %s', async (body, code) => {
  await expectError(await f.call('POST', '/api/v1/domains', { token, body }), 400, code)
})

test('a body that is not JSON: 415', async () => {
  const error = await expectError(
    await f.call('POST', '/api/v1/domains', {
      token,
      body: 'name=x.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    415,
    'unsupported_media_type',
  )
  expect(error.message).toContain('application/x-www-form-urlencoded')
  // application/json with parameters, and +json types, are JSON.
  const ok = await f.call('POST', '/api/v1/domains', {
    token,
    body: { name: 'charset.test' },
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
  expect(ok.status).toBe(201)
})

test('unknown fields are refused by name (strict schemas), and nothing is created', async () => {
  const error = await expectError(
    await f.call('POST', '/api/v1/domains', { token, body: { name: 'strict.test', owner: 'x', admin: true } }),
    400,
    'invalid_request',
  )
  expect(error.details?.issues?.map(i => i.path).sort()).toEqual(['body.admin', 'body.owner'])
  expect(await f.storage.domains.get('strict.test')).toBeNull()
})

test('wrong types, missing fields and rule violations list every issue', async () => {
  const error = await expectError(
    await f.call('POST', '/api/v1/accounts', { token, body: { email: 5, quotaBytes: -1 } }),
    400,
    'invalid_request',
  )
  const paths = error.details?.issues?.map(i => i.path) ?? []
  expect(paths).toContain('body.email')
  expect(paths).toContain('body.quotaBytes')
  // Neither password nor generatePassword: the object-level rule.
  const both = await expectError(
    await f.call('POST', '/api/v1/accounts', {
      token,
      body: { email: 'a@example.test', password: 'long enough pw', generatePassword: true },
    }),
    400,
    'invalid_request',
  )
  expect(both.message).toContain('exactly one of password and generatePassword')
  const short = await expectError(
    await f.call('POST', '/api/v1/accounts', { token, body: { email: 'a@example.test', password: 'short' } }),
    400,
    'invalid_request',
  )
  expect(short.details?.issues?.[0]?.path).toBe('body.password')
  expect(await f.storage.accounts.get('a@example.test')).toBeNull()
})

test('a body over api.maxBodyBytes: 413, by Content-Length and when streamed without one', async () => {
  const big = { name: 'big.test', catchAll: `${'a'.repeat(3000)}@example.test` }
  const error = await expectError(
    await f.call('POST', '/api/v1/domains', { token, body: big }),
    413,
    'payload_too_large',
  )
  expect(error.message).toContain('2048')
  const chunks = [new TextEncoder().encode('{"name":"stream.test","pad":"'), new Uint8Array(4096).fill(0x61)]
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c)
      controller.close()
    },
  })
  const response = await f.app.request('/api/v1/domains', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    body: stream,
    duplex: 'half',
  } as RequestInit)
  await expectError(response, 413, 'payload_too_large')
  expect(await f.storage.domains.get('big.test')).toBeNull()
  expect(await f.storage.domains.get('stream.test')).toBeNull()
})

test.each([
  ['/api/v1/domains?limit=0', 'query.limit'],
  ['/api/v1/domains?limit=501', 'query.limit'],
  ['/api/v1/domains?limit=ten', 'query.limit'],
  ['/api/v1/domains?page=2', 'query.page'],
  ['/api/v1/status?verbose=1', 'query.verbose'],
  ['/api/v1/domains/example.test?x=1', 'query.x'],
  ['/api/v1/accounts?domain=bad..domain', null],
])('GET %s → 400 naming %p', async (path, field) => {
  const error = await expectError(
    await f.call('GET', path, { token }),
    400,
    field ? 'invalid_request' : 'invalid_domain',
  )
  if (field) expect(error.details?.issues?.map(i => i.path)).toContain(field)
})

test('a query parameter given twice is refused', async () => {
  const error = await expectError(
    await f.call('GET', '/api/v1/domains?limit=1&limit=2', { token }),
    400,
    'invalid_request',
  )
  expect(error.message).toContain('"limit"')
})

test.each(['garbage', 'eyJ4IjoxfQ', Buffer.from(JSON.stringify({ k: 5 })).toString('base64url')])(
  'cursor %p that the server did not issue → 400 invalid_cursor',
  async cursor => {
    await expectError(await f.call('GET', `/api/v1/domains?cursor=${cursor}`, { token }), 400, 'invalid_cursor')
  },
)

test('a malformed path parameter is a 400 with the stable code of the parser', async () => {
  await expectError(await f.call('GET', '/api/v1/domains/-bad-.test', { token }), 400, 'invalid_domain')
  await expectError(await f.call('GET', '/api/v1/accounts/no-at-sign', { token }), 400, 'invalid_address')
})

test('unknown routes: 404 with an error body; known path, wrong method: 405 with Allow', async () => {
  await expectError(await f.call('GET', '/api/v1/nothing-here', { token }), 404, 'not_found')
  const response = await f.call('PUT', '/api/v1/domains/example.test', { token, body: {} })
  await expectError(response, 405, 'method_not_allowed')
  expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE')
})

test('with api.enabled = false the mount adds no routes', async () => {
  const { createHttpApp } = await import('../../../src/api/app.ts')
  const { apiV1Mount } = await import('../../../src/api/v1/mount.ts')
  const config = { ...f.deps.config, api: { ...f.deps.config.api, enabled: false } }
  const build = { version: 'x', commit: 'x', buildDate: 'x', compiled: false }
  const off = createHttpApp({ deps: { ...f.deps, config }, probes: [], build, startedAt: 0 }, [apiV1Mount])
  await expectError(await off.request('/api/v1/openapi.json'), 404, 'not_found')
  const on = createHttpApp({ deps: f.deps, probes: [], build, startedAt: 0 }, [apiV1Mount])
  expect((await on.request('/api/v1/openapi.json')).status).toBe(200)
})
