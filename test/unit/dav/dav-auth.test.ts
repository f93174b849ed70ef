// HTTP Basic for DAV: header parsing, the credential cache, and authenticateRequest against a real
// storage and the shared login throttle (plain HTTP policy, wrong passwords, throttling, caching).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { authenticateRequest } from '../../../src/dav/auth/authenticate-request.ts'
import { parseBasicAuthorization } from '../../../src/dav/auth/basic-credentials.ts'
import { createCredentialCache } from '../../../src/dav/auth/credential-cache.ts'
import type { DavServices } from '../../../src/dav/dav-context.ts'
import { DavError } from '../../../src/dav/dav-error.ts'
import { createDavRepository } from '../../../src/storage/repositories/dav/dav-repository.ts'
import { type Fixture, storageFixture, TEST_PASSWORD, testPasswordHash } from '../storage/storage-fixture.ts'

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`

describe('parseBasicAuthorization', () => {
  test.each([
    [basic('ann@x.test:secret'), { username: 'ann@x.test', password: 'secret' }],
    [basic('ann@x.test:with:colons'), { username: 'ann@x.test', password: 'with:colons' }],
    [basic('ann@x.test:'), { username: 'ann@x.test', password: '' }],
    [basic('jörg@x.test:pässword'), { username: 'jörg@x.test', password: 'pässword' }],
    [`basic   ${Buffer.from('a:b').toString('base64')}`, { username: 'a', password: 'b' }],
  ])('%s', (header, expected) => {
    expect(parseBasicAuthorization(header)).toEqual(expected)
  })

  test.each([
    [null],
    [''],
    ['Bearer abc'],
    ['Basic'],
    ['Basic !!!'],
    [basic('no-colon')],
    [basic(':password-only')],
    [`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`], // not UTF-8
    [`Basic ${'A'.repeat(5000)}`],
  ])('%p is refused', header => {
    expect(parseBasicAuthorization(header)).toBeNull()
  })
})

describe('createCredentialCache', () => {
  test('remembers a success until the TTL, never a different password', () => {
    const clock = manualClock()
    const cache = createCredentialCache({ clock, ttlMs: 60_000 })
    cache.set('Ann@x.test', 'pw', { id: 1, email: 'ann@x.test' })
    expect(cache.get('ann@x.test', 'pw')).toEqual({ id: 1, email: 'ann@x.test' })
    expect(cache.get('ann@x.test', 'PW')).toBeNull()
    clock.advance(60_000)
    expect(cache.get('ann@x.test', 'pw')).toBeNull()
    expect(cache.size).toBe(0)
  })

  test('is bounded and can be switched off', () => {
    const clock = manualClock()
    const cache = createCredentialCache({ clock, ttlMs: 1000, maxEntries: 2 })
    for (const n of [1, 2, 3]) cache.set(`u${n}`, 'pw', { id: n, email: `u${n}` })
    expect(cache.size).toBe(2)
    expect(cache.get('u1', 'pw')).toBeNull()
    const off = createCredentialCache({ clock, ttlMs: 0 })
    off.set('u', 'pw', { id: 1, email: 'u' })
    expect(off.get('u', 'pw')).toBeNull()
  })
})

describe('authenticateRequest', () => {
  let fx: Fixture
  const clock = manualClock()
  let services: DavServices

  beforeAll(async () => {
    fx = await storageFixture({ clock })
    await fx.storage.domains.add('x.test')
    await fx.storage.accounts.create({ email: 'ann@x.test', passwordHash: await testPasswordHash() })
  }, 20_000)
  afterAll(() => fx.cleanup())

  const build = (allowInsecureAuth: boolean, failuresBeforeThrottle = 3): DavServices => ({
    repo: createDavRepository({ db: fx.storage.db, clock }),
    accounts: fx.storage.accounts,
    throttle: createLoginThrottle({ clock, failuresBeforeThrottle }),
    credentials: createCredentialCache({ clock, ttlMs: 60_000 }),
    logger: silentLogger,
    clock,
    settings: { maxResourceSize: 1 << 20, allowInsecureAuth },
  })

  const statusOf = async (promise: Promise<unknown>) => {
    try {
      await promise
      return 200
    } catch (e) {
      if (e instanceof DavError) return e.status
      throw e
    }
  }

  test('plain HTTP is accepted from loopback, over TLS, or with allowInsecureAuth; refused otherwise', async () => {
    services = build(false)
    const good = basic(`ann@x.test:${TEST_PASSWORD}`)
    expect(await statusOf(authenticateRequest(services, good, { ip: '127.0.0.1', secure: false }))).toBe(200)
    expect(await statusOf(authenticateRequest(services, good, { ip: '::ffff:127.0.0.1', secure: false }))).toBe(200)
    expect(await statusOf(authenticateRequest(services, good, { ip: '192.0.2.7', secure: true }))).toBe(200)
    expect(await statusOf(authenticateRequest(services, good, { ip: '192.0.2.7', secure: false }))).toBe(403)
    expect(await statusOf(authenticateRequest(services, good, { ip: '', secure: false }))).toBe(403)
    expect(await statusOf(authenticateRequest(build(true), good, { ip: '192.0.2.7', secure: false }))).toBe(200)
  })

  test('missing or wrong credentials are 401 with a challenge', async () => {
    services = build(false)
    let error: unknown
    try {
      await authenticateRequest(services, null, { ip: '127.0.0.1', secure: false })
    } catch (e) {
      error = e
    }
    expect((error as DavError).status).toBe(401)
    expect((error as DavError).headers['www-authenticate']).toContain('Basic')
    expect(
      await statusOf(authenticateRequest(services, basic('ann@x.test:wrong'), { ip: '127.0.0.1', secure: false })),
    ).toBe(401)
    expect(
      await statusOf(
        authenticateRequest(services, basic(`nobody@x.test:${TEST_PASSWORD}`), { ip: '127.0.0.1', secure: false }),
      ),
    ).toBe(401)
  })

  test('repeated failures are throttled (429 with Retry-After), shared with the other protocols', async () => {
    services = build(false, 2)
    const wrong = basic('ann@x.test:wrong')
    const at = { ip: '127.0.0.2', secure: false }
    expect(await statusOf(authenticateRequest(services, wrong, at))).toBe(401)
    expect(await statusOf(authenticateRequest(services, wrong, at))).toBe(401)
    let error: unknown
    try {
      await authenticateRequest(services, basic(`ann@x.test:${TEST_PASSWORD}`), at)
    } catch (e) {
      error = e
    }
    expect((error as DavError).status).toBe(429)
    expect(Number((error as DavError).headers['retry-after'])).toBeGreaterThan(0)
    // The same throttle object counts IMAP/SMTP failures: it now refuses this address there too.
    expect(services.throttle.check('127.0.0.2', 'ann@x.test').allowed).toBe(false)
    clock.advance(60 * 60_000)
    expect(await statusOf(authenticateRequest(services, basic(`ann@x.test:${TEST_PASSWORD}`), at))).toBe(200)
  })

  test('a verified password is cached: the next request does not consult the throttle', async () => {
    services = build(false, 1)
    const good = basic(`ann@x.test:${TEST_PASSWORD}`)
    const at = { ip: '127.0.0.3', secure: false }
    expect(await statusOf(authenticateRequest(services, good, at))).toBe(200)
    services.throttle.recordFailure('127.0.0.3', 'ann@x.test')
    expect(services.throttle.check('127.0.0.3', 'ann@x.test').allowed).toBe(false)
    const account = await authenticateRequest(services, good, at)
    expect(account.email).toBe('ann@x.test')
  })
})
