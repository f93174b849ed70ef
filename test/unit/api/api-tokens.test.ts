// API tokens: the secret format, hashing, scope ordering, and the repository's lifecycle
// (create → verify → revoke / expire) on a real SQLite database.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ApiTokenScope,
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  isWellFormedApiToken,
  scopeGrants,
} from '../../../src/auth/api-tokens.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { isMailError } from '../../../src/core/errors.ts'
import { createStorage, type Storage } from '../../../src/storage/index.ts'
import { type ApiTokenRepository, createApiTokenRepository } from '../../../src/storage/repositories/api-tokens.ts'

describe('token format', () => {
  test('a generated token is well formed, unique, and hashes to 64 hex characters', () => {
    const a = generateApiToken()
    const b = generateApiToken()
    expect(a).not.toBe(b)
    expect(isWellFormedApiToken(a)).toBe(true)
    expect(a).toHaveLength(47)
    expect(hashApiToken(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashApiToken(a)).not.toBe(hashApiToken(b))
    expect(apiTokenDisplayPrefix(a)).toBe(a.slice(0, 10))
  })

  test('SHA-256 of the UTF-8 bytes (known vector)', () => {
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  test.each([
    ['', false],
    ['mst_', false],
    [`mst_${'a'.repeat(42)}`, false],
    [`mst_${'a'.repeat(44)}`, false],
    [`MST_${'a'.repeat(43)}`, false],
    [`mst_${'a'.repeat(42)}=`, false],
    [`mst_${'a'.repeat(42)} `, false],
    [`xyz_${'a'.repeat(43)}`, false],
    [`mst_${'A-_9'.repeat(10)}abc`, true],
  ])('well-formed(%p) = %p', (token, expected) => {
    expect(isWellFormedApiToken(token)).toBe(expected)
  })

  test.each<[ApiTokenScope[], ApiTokenScope, boolean]>([
    [['read'], 'read', true],
    [['read'], 'write', false],
    [['read'], 'admin', false],
    [['write'], 'read', true],
    [['write'], 'write', true],
    [['write'], 'admin', false],
    [['admin'], 'read', true],
    [['admin'], 'admin', true],
    [[], 'read', false],
    [['read', 'write'], 'write', true],
  ])('scopes %p grant %p: %p', (granted, required, expected) => {
    expect(scopeGrants(granted, required)).toBe(expected)
  })
})

describe('repository', () => {
  let dir: string
  let storage: Storage
  let tokens: ApiTokenRepository
  const clock = manualClock(Date.UTC(2026, 0, 1))

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-tokens-'))
    storage = await createStorage({ dataDir: dir, clock })
    tokens = createApiTokenRepository({ db: storage.db, clock })
  })
  afterEach(() => {
    storage.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('create stores only the hash; verify accepts the secret and nothing else', async () => {
    const { record, token } = await tokens.create({ name: ' deploy ', scopes: ['write', 'read'], createdBy: 'cli' })
    expect(record).toMatchObject({ name: 'deploy', scopes: ['read', 'write'], createdBy: 'cli', revokedAt: null })
    expect(record.prefix).toBe(token.slice(0, 10))
    const row = storage.db.$client.query('SELECT * FROM api_tokens').get() as Record<string, unknown>
    expect(JSON.stringify(row)).not.toContain(token)
    expect(row.token_hash).toBe(hashApiToken(token))

    const check = await tokens.verify(token)
    expect(check.status).toBe('valid')
    expect((await tokens.verify(generateApiToken())).status).toBe('unknown')
    expect((await tokens.verify(`${token}x`)).status).toBe('unknown')
    expect((await tokens.verify('not a token')).status).toBe('unknown')
  })

  test('lastUsedAt is written on use, at most once a minute', async () => {
    const { record, token } = await tokens.create({ name: 'x', scopes: ['read'], createdBy: 'cli' })
    expect(record.lastUsedAt).toBeNull()
    await tokens.verify(token)
    const first = clock.now()
    expect((await tokens.get(record.id))?.lastUsedAt).toBe(first)
    clock.advance(30_000)
    await tokens.verify(token)
    expect((await tokens.get(record.id))?.lastUsedAt).toBe(first)
    clock.advance(30_000)
    await tokens.verify(token)
    expect((await tokens.get(record.id))?.lastUsedAt).toBe(clock.now())
  })

  test('revoked and expired tokens are refused with their reason', async () => {
    const a = await tokens.create({ name: 'a', scopes: ['admin'], createdBy: 'cli' })
    const b = await tokens.create({ name: 'b', scopes: ['read'], createdBy: 'cli', expiresAt: clock.now() + 1000 })
    const revoked = await tokens.revoke(a.record.id)
    expect(revoked.revokedAt).toBe(clock.now())
    clock.advance(5)
    expect((await tokens.revoke(a.record.id)).revokedAt).toBe(revoked.revokedAt) // idempotent
    expect((await tokens.verify(a.token)).status).toBe('revoked')
    expect((await tokens.verify(b.token)).status).toBe('valid')
    clock.advance(1000)
    expect((await tokens.verify(b.token)).status).toBe('expired')
    expect((await tokens.list()).map(t => t.name)).toEqual(['b'])
    expect((await tokens.list({ includeRevoked: true })).map(t => t.name)).toEqual(['a', 'b'])
  })

  test('revoking an unknown id is a 404 unknown_api_token', async () => {
    const error = await tokens.revoke('tok_nope').catch(e => e)
    expect(isMailError(error) && error.codes).toEqual({ http: 404, code: 'unknown_api_token' })
  })

  test.each([
    ['', ['read'], 'needs a name'],
    ['   ', ['read'], 'needs a name'],
    ['x'.repeat(101), ['read'], 'at most 100'],
    ['bad\nname', ['read'], 'control characters'],
    ['ok', [], 'at least one scope'],
    ['ok', ['root'], 'unknown scope "root"'],
  ])('create(%p, %p) is refused: %s', async (name, scopes, message) => {
    const error = await tokens.create({ name, scopes: scopes as ApiTokenScope[], createdBy: 'cli' }).catch(e => e)
    expect(isMailError(error)).toBe(true)
    expect(error.codes.code).toBe('invalid_api_token')
    expect(error.message).toContain(message)
  })

  test('an expiry in the past is refused', async () => {
    const error = await tokens
      .create({ name: 'x', scopes: ['read'], createdBy: 'cli', expiresAt: clock.now() })
      .catch(e => e)
    expect(error.message).toContain('in the past')
  })
})
