import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { hashPassword } from '../../../src/auth/passwords.ts'
import type { Storage } from '../../../src/storage/index.ts'
import { type Fixture, sampleMessage, storageFixture, TEST_PASSWORD, testPasswordHash } from './storage-fixture.ts'

let fx: Fixture
let storage: Storage
beforeEach(async () => {
  fx = await storageFixture()
  storage = fx.storage
  await storage.domains.add('example.com')
})
afterEach(() => fx.cleanup())

const create = async (email: string, extra: Record<string, unknown> = {}) =>
  storage.accounts.create({ email, passwordHash: await testPasswordHash(), ...extra })

const accountDir = (domain: string, local: string) => join(fx.dir, 'maildir', domain, local)

describe('domains', () => {
  test('add normalises (case, IDN) and lists', async () => {
    const d = await storage.domains.add('Bücher.DE')
    expect(d).toMatchObject({ name: 'xn--bcher-kva.de', catchAll: null, enabled: true })
    expect((await storage.domains.list()).map(x => x.name)).toEqual(['example.com', 'xn--bcher-kva.de'])
    expect(await storage.domains.get('bücher.de')).toMatchObject({ id: d.id })
    expect(await storage.domains.get('nope.example')).toBeNull()
  })

  test('duplicate → duplicate_domain; invalid → invalid_domain', async () => {
    await expect(storage.domains.add('EXAMPLE.com')).rejects.toMatchObject({ codes: { code: 'duplicate_domain' } })
    await expect(storage.domains.add('bad_domain')).rejects.toMatchObject({ codes: { code: 'invalid_domain' } })
  })

  test('remove refuses while accounts exist; force removes accounts (and data with removeData)', async () => {
    await create('ann@example.com')
    await expect(storage.domains.remove('example.com')).rejects.toMatchObject({ codes: { code: 'domain_not_empty' } })
    await storage.domains.remove('example.com', { force: true, removeData: true })
    expect(await storage.domains.list()).toEqual([])
    expect(await storage.accounts.get('ann@example.com')).toBeNull()
    expect(existsSync(join(fx.dir, 'maildir', 'example.com'))).toBe(false)
  })

  test('remove of an unknown domain → unknown_domain', async () => {
    await expect(storage.domains.remove('other.example')).rejects.toMatchObject({ codes: { code: 'unknown_domain' } })
  })

  test('setCatchAll validates local targets', async () => {
    await create('ann@example.com')
    expect(await storage.domains.setCatchAll('example.com', 'ANN@example.com')).toMatchObject({
      catchAll: 'ann@example.com',
    })
    await expect(storage.domains.setCatchAll('example.com', 'nobody@example.com')).rejects.toMatchObject({
      codes: { code: 'unknown_target' },
    })
    expect(await storage.domains.setCatchAll('example.com', 'someone@elsewhere.example')).toMatchObject({
      catchAll: 'someone@elsewhere.example',
    })
    expect(await storage.domains.setCatchAll('example.com', null)).toMatchObject({ catchAll: null })
  })
})

describe('accounts.create', () => {
  test('creates INBOX + 5 special-use mailboxes and the Maildir tree', async () => {
    const account = await storage.accounts.create({ email: 'Ann@Example.com', password: 'pw', displayName: 'Ann' })
    expect(account).toMatchObject({ email: 'ann@example.com', displayName: 'Ann', disabled: false, quotaBytes: null })
    const boxes = await storage.mailboxes.list(account.id)
    expect(boxes.map(b => [b.name, b.specialUse, b.folder])).toEqual([
      ['INBOX', null, ''],
      ['Archive', '\\Archive', '.Archive'],
      ['Drafts', '\\Drafts', '.Drafts'],
      ['Junk', '\\Junk', '.Junk'],
      ['Sent', '\\Sent', '.Sent'],
      ['Trash', '\\Trash', '.Trash'],
    ])
    // UIDVALIDITY: distinct per mailbox, seconds since the epoch.
    expect(new Set(boxes.map(b => b.uidValidity)).size).toBe(6)
    for (const b of boxes) expect(b).toMatchObject({ uidNext: 1, highestModseq: 1, subscribed: true })
    const dir = accountDir('example.com', 'ann')
    for (const sub of ['cur', 'new', 'tmp']) expect(statSync(join(dir, sub)).isDirectory()).toBe(true)
    for (const folder of ['.Sent', '.Drafts', '.Trash', '.Junk', '.Archive']) {
      for (const sub of ['cur', 'new', 'tmp']) expect(statSync(join(dir, folder, sub)).isDirectory()).toBe(true)
      expect(statSync(join(dir, folder, 'maildirfolder')).isFile()).toBe(true)
    }
    expect(existsSync(join(dir, 'maildirfolder'))).toBe(false)
  })

  test('duplicate → duplicate_account (any case)', async () => {
    await create('ann@example.com')
    await expect(create('ANN@example.COM')).rejects.toMatchObject({ codes: { code: 'duplicate_account' } })
  })

  test('unknown domain → unknown_domain (no automatic domain)', async () => {
    await expect(create('ann@other.example')).rejects.toMatchObject({ codes: { code: 'unknown_domain' } })
    expect(await storage.domains.get('other.example')).toBeNull()
  })

  test('invalid email → invalid_address', async () => {
    await expect(create('not an address')).rejects.toMatchObject({ codes: { code: 'invalid_address' } })
  })

  test('an address used by an alias → address_in_use', async () => {
    await create('ann@example.com')
    await storage.aliases.add('info@example.com', ['ann@example.com'])
    await expect(create('info@example.com')).rejects.toMatchObject({ codes: { code: 'address_in_use' } })
  })

  test('password input: exactly one of password/passwordHash, hash must be Argon2 or bcrypt', async () => {
    await expect(storage.accounts.create({ email: 'a@example.com' })).rejects.toMatchObject({
      codes: { code: 'invalid_password' },
    })
    await expect(
      storage.accounts.create({ email: 'a@example.com', password: 'x', passwordHash: await testPasswordHash() }),
    ).rejects.toMatchObject({ codes: { code: 'invalid_password' } })
    await expect(storage.accounts.create({ email: 'a@example.com', passwordHash: 'plaintext' })).rejects.toMatchObject({
      codes: { code: 'invalid_password' },
    })
    await expect(storage.accounts.create({ email: 'a@example.com', password: '' })).rejects.toMatchObject({
      codes: { code: 'invalid_password' },
    })
    await expect(create('a@example.com', { quotaBytes: -1 })).rejects.toMatchObject({
      codes: { code: 'invalid_quota' },
    })
    expect(await storage.accounts.get('a@example.com')).toBeNull()
  })
})

describe('accounts: other operations', () => {
  test('get by id or any spelling of the address; list pages by id', async () => {
    const ids: number[] = []
    for (const n of [1, 2, 3, 4, 5]) ids.push((await create(`user${n}@example.com`)).id)
    expect((await storage.accounts.get('USER3@example.com'))?.id).toBe(ids[2] as number)
    expect((await storage.accounts.get(ids[0] as number))?.email).toBe('user1@example.com')
    const page1 = await storage.accounts.list({ limit: 2 })
    expect(page1.items.map(a => a.email)).toEqual(['user1@example.com', 'user2@example.com'])
    const page2 = await storage.accounts.list({ limit: 2, after: page1.next ?? 0 })
    const page3 = await storage.accounts.list({ limit: 2, after: page2.next ?? 0 })
    expect(page3.items.map(a => a.email)).toEqual(['user5@example.com'])
    expect(page3.next).toBeNull()
    expect((await storage.accounts.list({ domain: 'nope.example' })).items).toEqual([])
  })

  test('delete with removeData removes rows and the Maildir tree', async () => {
    const ann = await create('ann@example.com')
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    await storage.accounts.delete('ann@example.com', { removeData: true })
    expect(await storage.accounts.get(ann.id)).toBeNull()
    expect(await storage.mailboxes.list(ann.id)).toEqual([])
    expect(existsSync(accountDir('example.com', 'ann'))).toBe(false)
    await expect(storage.accounts.delete('ann@example.com')).rejects.toMatchObject({
      codes: { code: 'unknown_account' },
    })
  })

  test('delete without removeData keeps the files', async () => {
    await create('bob@example.com')
    await storage.accounts.delete('bob@example.com')
    expect(readdirSync(accountDir('example.com', 'bob'))).toContain('cur')
  })

  test('update and usage', async () => {
    const ann = await create('ann@example.com')
    const updated = await storage.accounts.update(ann.id, { displayName: 'Ann E.', quotaBytes: 1000 })
    expect(updated).toMatchObject({ displayName: 'Ann E.', quotaBytes: 1000 })
    const msg = sampleMessage()
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: msg })
    expect(await storage.accounts.usage(ann.id)).toEqual({ messages: 1, bytes: msg.length })
  })
})

describe('verifyCredentials', () => {
  test('right password → account; wrong, unknown, malformed → null', async () => {
    const ann = await create('ann@example.com')
    expect(await storage.accounts.verifyCredentials('ANN@example.com', TEST_PASSWORD)).toMatchObject({ id: ann.id })
    expect(await storage.accounts.verifyCredentials('ann@example.com', 'wrong')).toBeNull()
    expect(await storage.accounts.verifyCredentials('nobody@example.com', TEST_PASSWORD)).toBeNull()
    expect(await storage.accounts.verifyCredentials('not an address', TEST_PASSWORD)).toBeNull()
  })

  test('disabled account or domain → null even with the right password', async () => {
    const ann = await create('ann@example.com')
    await storage.accounts.setDisabled(ann.id, true)
    expect(await storage.accounts.verifyCredentials('ann@example.com', TEST_PASSWORD)).toBeNull()
    await storage.accounts.setDisabled(ann.id, false)
    await storage.domains.setEnabled('example.com', false)
    expect(await storage.accounts.verifyCredentials('ann@example.com', TEST_PASSWORD)).toBeNull()
  })

  test('setPassword replaces the password', async () => {
    const ann = await create('ann@example.com')
    await storage.accounts.setPassword(ann.id, 'new secret')
    expect(await storage.accounts.verifyCredentials('ann@example.com', TEST_PASSWORD)).toBeNull()
    expect(await storage.accounts.verifyCredentials('ann@example.com', 'new secret')).toMatchObject({ id: ann.id })
  })

  test('an imported hash with other parameters is upgraded on login', async () => {
    // p=4, npm argon2 parameter order; generated by OpenSSL (see passwords.test.ts).
    const foreign = '$argon2id$v=19$m=65536,p=4,t=3$MDEyMzQ1Njc4OWFiY2RlZg$77UfmnZYT23WpPeUKhovauWm5OxRQv9nTf1dJ+tF5EY'
    const ann = await storage.accounts.create({ email: 'ann@example.com', passwordHash: foreign })
    const stored = () =>
      fx.storage.db.$client
        .query<{ h: string }, [number]>('SELECT password_hash AS h FROM accounts WHERE id = ?')
        .get(ann.id)?.h
    expect(stored()).toBe(foreign)
    expect(await storage.accounts.verifyCredentials('ann@example.com', 'correct horse battery staple')).toMatchObject({
      id: ann.id,
    })
    const upgraded = stored() ?? ''
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$/)
    expect(await storage.accounts.verifyCredentials('ann@example.com', 'correct horse battery staple')).not.toBeNull()
    expect(stored()).toBe(upgraded) // current hash: not rehashed again
  })

  test('a hash with the current parameters is not rewritten', async () => {
    const hash = await hashPassword('pw')
    const ann = await storage.accounts.create({ email: 'ann@example.com', passwordHash: hash })
    await storage.accounts.verifyCredentials('ann@example.com', 'pw')
    const row = fx.storage.db.$client
      .query<{ h: string }, [number]>('SELECT password_hash AS h FROM accounts WHERE id = ?')
      .get(ann.id)
    expect(row?.h).toBe(hash)
  })
})

describe('aliases', () => {
  test('add (normalised, deduplicated), get, list, remove', async () => {
    await create('ann@example.com')
    await create('bob@example.com')
    const alias = await storage.aliases.add('Team@Example.com', [
      'ann@example.com',
      'BOB@example.com',
      'bob@example.com',
    ])
    expect(alias).toEqual({ address: 'team@example.com', targets: ['ann@example.com', 'bob@example.com'] })
    expect(await storage.aliases.add('team@example.com', ['ext@elsewhere.example', 'ann@example.com'])).toEqual({
      address: 'team@example.com',
      targets: ['ann@example.com', 'bob@example.com', 'ext@elsewhere.example'],
    })
    expect(await storage.aliases.get('TEAM@example.com')).toMatchObject({ address: 'team@example.com' })
    expect(await storage.aliases.list({ domain: 'example.com' })).toHaveLength(1)
    expect(await storage.aliases.remove('team@example.com', ['bob@example.com'])).toBe(1)
    expect((await storage.aliases.get('team@example.com'))?.targets).toEqual([
      'ann@example.com',
      'ext@elsewhere.example',
    ])
    expect(await storage.aliases.remove('team@example.com')).toBe(2)
    expect(await storage.aliases.get('team@example.com')).toBeNull()
    await expect(storage.aliases.remove('team@example.com')).rejects.toMatchObject({ codes: { code: 'unknown_alias' } })
  })

  test.each([
    ['an alias in an unknown domain', 'x@other.example', ['ann@example.com'], 'unknown_domain'],
    ['an alias shadowing an account', 'ann@example.com', ['x@elsewhere.example'], 'address_in_use'],
    ['a typo in a local target', 'x@example.com', ['anne@example.com'], 'unknown_target'],
    ['no targets', 'x@example.com', [], 'invalid_alias'],
    ['itself', 'x@example.com', ['X@example.com'], 'invalid_alias'],
    ['a bad target', 'x@example.com', ['not valid'], 'invalid_address'],
  ])('rejects %s', async (_what, address, targets, code) => {
    await create('ann@example.com')
    await expect(storage.aliases.add(address, targets)).rejects.toMatchObject({ codes: { code } })
  })

  test('a plus-addressed local target is accepted when the base exists', async () => {
    await create('ann@example.com')
    expect(await storage.aliases.add('lists@example.com', ['ann+lists@example.com'])).toMatchObject({
      targets: ['ann+lists@example.com'],
    })
  })
})

describe('audit log', () => {
  test('records and lists newest first', async () => {
    await storage.audit.record({
      actor: 'cli',
      action: 'account.create',
      target: 'ann@example.com',
      details: { quota: 1 },
    })
    await storage.audit.record({ actor: 'cli', action: 'account.delete', target: 'ann@example.com' })
    const entries = await storage.audit.list()
    expect(entries.map(e => e.action)).toEqual(['account.delete', 'account.create'])
    expect(entries[1]?.details).toEqual({ quota: 1 })
    expect(await storage.audit.list({ before: entries[0]?.id ?? 0 })).toHaveLength(1)
  })
})
