// The catalog stamp behind the recipient and delivery-target caches: it must change for every
// change a cached lookup could see (own writes, rolled-back writes, other connections' commits) and
// stay put for the per-delivery counter updates, and the caches built on it must never serve a row
// the database no longer holds.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { join } from 'node:path'
import { catalogMemo, createCatalogVersion, SHARED_STAMP_MS } from '../../../src/storage/db/catalog-version.ts'
import { DATABASE_FILE } from '../../../src/storage/storage.ts'
import { type Fixture, sampleMessage, storageFixture, testPasswordHash } from './storage-fixture.ts'

/** Past the time another connection's change may take to be seen. */
const afterSharedStamp = () => Bun.sleep(SHARED_STAMP_MS + 5)

describe('createCatalogVersion on a real database', () => {
  let fx: Fixture
  let db: Database
  beforeEach(async () => {
    fx = await storageFixture()
    db = new Database(join(fx.dir, DATABASE_FILE))
    db.run('PRAGMA busy_timeout = 5000')
  })
  afterEach(() => {
    db.close()
    fx.cleanup()
  })

  const mailbox = (accountId: number) => {
    db.run(
      "INSERT INTO mailboxes (account_id, name, uid_validity, folder, created_at) VALUES (?, 'Box', 1, '.Box', 0)",
      [accountId],
    )
    return db.query<{ id: number }, []>('SELECT last_insert_rowid() AS id').get()?.id as number
  }

  test.each([
    [
      'a domain is added',
      (_: number) => db.run("INSERT INTO domains (name, created_at) VALUES ('new.example', 0)"),
      true,
    ],
    ['an account is disabled', (a: number) => db.run('UPDATE accounts SET disabled = 1 WHERE id = ?', [a]), true],
    ['a quota is set', (a: number) => db.run('UPDATE accounts SET quota_bytes = 10 WHERE id = ?', [a]), true],
    ['a mailbox is created', (a: number) => mailbox(a), true],
    ['a password changes', (a: number) => db.run("UPDATE accounts SET password_hash = 'x' WHERE id = ?", [a]), false],
    ['updated_at changes', (a: number) => db.run('UPDATE accounts SET updated_at = 99 WHERE id = ?', [a]), false],
    ['UIDs are allocated', (_: number) => db.run('UPDATE mailboxes SET uid_next = uid_next + 1'), false],
  ] as const)('own connection: stamp changes when %s: %p', async (_what, change, changes) => {
    await fx.storage.domains.add('example.test')
    const account = await fx.storage.accounts.create({
      email: 'ann@example.test',
      passwordHash: await testPasswordHash(),
    })
    const version = createCatalogVersion(db)
    const before = version.read()
    change(account.id)
    expect(version.read() !== before).toBe(changes)
  })

  test("another connection's catalog commit changes the stamp within SHARED_STAMP_MS; its message rows do not", async () => {
    await fx.storage.domains.add('example.test')
    const account = await fx.storage.accounts.create({
      email: 'ann@example.test',
      passwordHash: await testPasswordHash(),
    })
    const version = createCatalogVersion(db)
    const before = version.read()
    const other = new Database(join(fx.dir, DATABASE_FILE))
    other.run('PRAGMA busy_timeout = 5000')
    // A delivery indexed elsewhere (the file worker's connection): UIDs allocated, a row inserted.
    const inbox = other
      .query<{ id: number }, [number]>("SELECT id FROM mailboxes WHERE account_id = ? AND name = 'INBOX'")
      .get(account.id)
    other.run('UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = ?', [
      inbox?.id ?? 0,
    ])
    other.run(
      "INSERT INTO messages (mailbox_id, uid, modseq, flags, keywords, internal_date, size, maildir_file) VALUES (?, 1, 1, 0, '[]', 0, 1, 'x')",
      [inbox?.id ?? 0],
    )
    await afterSharedStamp()
    expect(version.read()).toBe(before)
    other.run("INSERT INTO domains (name, created_at) VALUES ('elsewhere.example', 0)")
    other.close()
    await afterSharedStamp()
    expect(version.read()).not.toBe(before)
  })

  test('a rolled-back change never lets a later commit reuse the stamp seen inside it', async () => {
    await fx.storage.domains.add('example.test')
    const version = createCatalogVersion(db)
    const seen = new Set<string>([version.read()])
    for (let i = 0; i < 20; i++) {
      db.run('BEGIN')
      db.run("UPDATE domains SET catch_all = 'x@example.test'")
      const inside = version.read()
      db.run('ROLLBACK')
      expect(seen.has(inside)).toBe(false)
      seen.add(inside)
    }
  })
})

describe('catalogMemo', () => {
  test('serves the cached value until the stamp changes, undefined results included', () => {
    let stamp = 'a'
    let loads = 0
    const memo = catalogMemo({ read: () => stamp }, key => {
      loads++
      return key === 'missing' ? undefined : key.toUpperCase()
    })
    expect([memo('x'), memo('x'), memo('missing'), memo('missing')]).toEqual(['X', 'X', undefined, undefined])
    expect(loads).toBe(2)
    stamp = 'b'
    expect(memo('x')).toBe('X')
    expect(loads).toBe(3)
  })

  test('starts over past maxEntries', () => {
    let loads = 0
    const memo = catalogMemo({ read: () => 's' }, key => ++loads + key.length, 2)
    memo('a')
    memo('b')
    memo('c') // clears: a and b are gone
    memo('a')
    expect(loads).toBe(4)
  })
})

describe('recipient and delivery caches see every change', () => {
  let fx: Fixture
  beforeEach(async () => {
    fx = await storageFixture()
  })
  afterEach(() => fx.cleanup())

  test('changes through the repositories', async () => {
    const { storage } = fx
    await storage.domains.add('example.test')
    const ann = await storage.accounts.create({ email: 'ann@example.test', passwordHash: await testPasswordHash() })
    expect((await storage.resolveRecipient('ann@example.test')).kind).toBe('local')
    expect((await storage.resolveRecipient('team@example.test')).kind).toBe('unknown')
    await storage.aliases.add('team@example.test', ['ann@example.test'])
    expect((await storage.resolveRecipient('team@example.test')).kind).toBe('local')
    await storage.accounts.setDisabled(ann.id, true)
    expect((await storage.resolveRecipient('ann@example.test')).kind).toBe('disabled')
    await storage.accounts.setDisabled(ann.id, false)
    await storage.domains.setEnabled('example.test', false)
    expect((await storage.resolveRecipient('ann@example.test')).kind).toBe('disabled')
    await storage.domains.setEnabled('example.test', true)

    // Delivery target: a mailbox renamed and re-created under the old name gets the new delivery.
    await storage.mailboxes.create(ann.id, 'Lists')
    const first = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, mailbox: 'Lists' }],
      content: sampleMessage('one'),
    })
    await storage.mailboxes.rename(ann.id, 'Lists', 'Old')
    await storage.mailboxes.create(ann.id, 'Lists')
    const second = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, mailbox: 'Lists' }],
      content: sampleMessage('two'),
    })
    const [a, b] = [first[0], second[0]]
    if (!a?.ok || !b?.ok) throw new Error('delivery failed')
    expect(b.mailboxId).not.toBe(a.mailboxId)
    expect((await storage.mailboxes.get(ann.id, 'Lists'))?.id).toBe(b.mailboxId)
    await storage.mailboxes.delete(ann.id, 'Lists')
    const third = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, mailbox: 'Lists' }],
      content: sampleMessage('three'),
    })
    expect(third[0]?.ok).toBe(false)
  })

  test('an account added by another process (the CLI) is found by a running server', async () => {
    const { storage } = fx
    await storage.domains.add('example.test')
    expect((await storage.resolveRecipient('bob@example.test')).kind).toBe('unknown')
    const cli = await fx.open()
    await cli.accounts.create({ email: 'bob@example.test', passwordHash: await testPasswordHash() })
    await afterSharedStamp()
    expect((await storage.resolveRecipient('bob@example.test')).kind).toBe('local')
  })
})
