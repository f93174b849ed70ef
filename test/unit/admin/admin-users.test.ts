// Administrators (admin_users) and their sessions, at the repository level.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createAdminSessionStore } from '../../../src/admin/admin-sessions.ts'
import { createAdminUserRepository, parseAdminUsername } from '../../../src/admin/admin-users.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { adminUsers } from '../../../src/storage/db/schema-admin.ts'
import { type Fixture, storageFixture } from '../storage/storage-fixture.ts'

let fx: Fixture
const clock = manualClock()

beforeEach(async () => {
  fx = await storageFixture({ clock })
})
afterEach(() => fx.cleanup())

describe('parseAdminUsername', () => {
  test.each([
    ['root', 'root'],
    ['  Admin.One ', 'admin.one'],
    ['ops@example.org', 'ops@example.org'],
    ['a_b-c', 'a_b-c'],
    ['x'.repeat(64), 'x'.repeat(64)],
  ])('%p → %p', (input, expected) => {
    expect(parseAdminUsername(input)).toBe(expected)
  })

  test.each(['', ' ', '-leading', '.dot', 'has space', '<script>', 'x'.repeat(65), 'ünï', 'semi;colon'])(
    '%p is refused with invalid_admin_username',
    input => {
      expect(() => parseAdminUsername(input)).toThrow(/invalid admin username/)
    },
  )
})

describe('admin users', () => {
  test('create, verify, change password, remove', async () => {
    const admins = createAdminUserRepository({ storage: fx.storage, clock })
    const admin = await admins.create('Root', 'first secret')
    expect(admin).toMatchObject({ username: 'root', lastLoginAt: null })
    const stored = fx.storage.db.select().from(adminUsers).get()
    expect(stored?.passwordHash).toStartWith('$argon2id$v=19$m=65536,t=3,p=1$')
    expect(await admins.verify('root', 'wrong')).toBeNull()
    clock.advance(1000)
    expect(await admins.verify(' ROOT ', 'first secret')).toMatchObject({ id: admin.id, lastLoginAt: clock.now() })
    await admins.setPassword('root', 'second secret')
    expect(await admins.verify('root', 'first secret')).toBeNull()
    expect(await admins.verify('root', 'second secret')).not.toBeNull()
    await expect(admins.create('root', 'x')).rejects.toThrow('admin user root already exists')
    await admins.remove('root')
    expect(await admins.list()).toEqual([])
    await expect(admins.remove('root')).rejects.toThrow('no admin user root')
    await expect(admins.setPassword('root', 'x')).rejects.toThrow('no admin user root')
  })

  test('unknown and malformed names verify as null', async () => {
    const admins = createAdminUserRepository({ storage: fx.storage, clock })
    expect(await admins.verify('nobody', 'x')).toBeNull()
    expect(await admins.verify('<bad name>', 'x')).toBeNull()
  })

  test('removing an admin ends their sessions', async () => {
    const admins = createAdminUserRepository({ storage: fx.storage, clock })
    const sessions = createAdminSessionStore({ storage: fx.storage, clock })
    const admin = await admins.create('ops', 'pw')
    const { token } = sessions.create(admin.id)
    expect(sessions.resolve(token)?.username).toBe('ops')
    await admins.remove('ops')
    expect(sessions.resolve(token)).toBeNull()
  })
})

describe('admin sessions', () => {
  test('flash messages are read once', async () => {
    const admins = createAdminUserRepository({ storage: fx.storage, clock })
    const sessions = createAdminSessionStore({ storage: fx.storage, clock })
    const { session } = sessions.create((await admins.create('ops', 'pw')).id)
    expect(sessions.takeFlash(session.id)).toBeNull()
    sessions.setFlash(session.id, { kind: 'error', text: 'nope' })
    expect(sessions.takeFlash(session.id)).toEqual({ kind: 'error', text: 'nope' })
    expect(sessions.takeFlash(session.id)).toBeNull()
  })

  test('purgeExpired drops idle and over-age sessions only', async () => {
    const admins = createAdminUserRepository({ storage: fx.storage, clock })
    const sessions = createAdminSessionStore({
      storage: fx.storage,
      clock,
      options: { idleTimeoutMs: 1000, maxAgeMs: 5000 },
    })
    const id = (await admins.create('ops', 'pw')).id
    const idle = sessions.create(id)
    clock.advance(600)
    const fresh = sessions.create(id)
    clock.advance(600) // idle: 1200 ms without a request; fresh: 600 ms
    expect(sessions.purgeExpired()).toBe(1)
    expect(sessions.resolve(idle.token)).toBeNull()
    expect(sessions.resolve(fresh.token)).not.toBeNull()
  })
})
