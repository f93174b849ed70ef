// Bearer-token authentication of /api/v1 through app.request(): every failure is a 401 or 403 with
// an error body and the RFC 6750 §3 challenge; success needs a valid, unrevoked, unexpired token
// whose scope covers the operation.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { generateApiToken } from '../../../src/auth/api-tokens.ts'
import { type ApiFixture, startApiFixture } from './support/api-fixture.ts'

let f: ApiFixture
beforeAll(async () => {
  f = await startApiFixture()
})
afterAll(() => f.close())

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toContain('application/json')
  const body = (await response.json()) as { error: { code: string; message: string; details?: unknown } }
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(5)
  return body.error
}

test('no token: 401 unauthorized with a bare Bearer challenge', async () => {
  const response = await f.call('GET', '/api/v1/domains')
  await expectError(response, 401, 'unauthorized')
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mail-server"')
})

test.each([
  ['Basic dXNlcjpwYXNz', 'invalid_token'],
  ['Bearer', 'invalid_token'],
  ['Bearer a b', 'invalid_token'],
  ['Bearer not-a-token', 'invalid_token'],
  [`Bearer ${generateApiToken()}`, 'invalid_token'],
])('Authorization %p: 401 %s', async (authorization, code) => {
  const response = await f.call('GET', '/api/v1/domains', { headers: { authorization } })
  await expectError(response, 401, code)
  expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
})

test('the scheme is case-insensitive (RFC 7235 §2.1)', async () => {
  const token = await f.token(['read'])
  expect((await f.call('GET', '/api/v1/domains', { headers: { authorization: `bearer ${token}` } })).status).toBe(200)
  expect((await f.call('GET', '/api/v1/domains', { headers: { authorization: `BEARER ${token}` } })).status).toBe(200)
})

test('a revoked token: 401 token_revoked; an expired one: 401 token_expired', async () => {
  const revoked = await f.tokens.create({ name: 'r', scopes: ['admin'], createdBy: 'test' })
  expect((await f.call('GET', '/api/v1/status', { token: revoked.token })).status).toBe(200)
  await f.tokens.revoke(revoked.record.id)
  await expectError(await f.call('GET', '/api/v1/status', { token: revoked.token }), 401, 'token_revoked')

  const expiring = await f.tokens.create({
    name: 'e',
    scopes: ['admin'],
    createdBy: 'test',
    expiresAt: f.clock.now() + 60_000,
  })
  expect((await f.call('GET', '/api/v1/status', { token: expiring.token })).status).toBe(200)
  f.clock.advance(60_000)
  await expectError(await f.call('GET', '/api/v1/status', { token: expiring.token }), 401, 'token_expired')
})

test('insufficient scope: 403 with the required scope in details and the challenge', async () => {
  const read = await f.token(['read'])
  const write = await f.token(['write'])
  expect((await f.call('GET', '/api/v1/domains', { token: read })).status).toBe(200)
  const response = await f.call('POST', '/api/v1/domains', { token: read, body: { name: 'scope.test' } })
  const error = await expectError(response, 403, 'insufficient_scope')
  expect(error.details).toEqual({ required: 'write', granted: ['read'] })
  expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="write"')
  // Refused before anything happened.
  expect(await f.storage.domains.get('scope.test')).toBeNull()

  expect((await f.call('POST', '/api/v1/domains', { token: write, body: { name: 'scope.test' } })).status).toBe(201)
  await expectError(await f.call('GET', '/api/v1/tokens', { token: write }), 403, 'insufficient_scope')
  await expectError(
    await f.call('POST', '/api/v1/tokens', { token: write, body: { name: 'x', scopes: ['admin'] } }),
    403,
    'insufficient_scope',
  )
})

test('authentication comes before input validation: no token, bad body → 401, not 400', async () => {
  await expectError(await f.call('POST', '/api/v1/domains', { body: '{not json' }), 401, 'unauthorized')
})

test('the OpenAPI document needs no token', async () => {
  expect((await f.call('GET', '/api/v1/openapi.json')).status).toBe(200)
})

test('API requests are audited under the token id', async () => {
  const created = await f.tokens.create({ name: 'auditor', scopes: ['write'], createdBy: 'test' })
  expect((await f.call('POST', '/api/v1/domains', { token: created.token, body: { name: 'audit.test' } })).status).toBe(
    201,
  )
  const entries = await f.storage.audit.list()
  expect(entries[0]).toMatchObject({ actor: `api:${created.record.id}`, action: 'domain.create', target: 'audit.test' })
})
