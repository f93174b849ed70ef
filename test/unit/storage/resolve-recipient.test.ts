import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RecipientResolution, Storage } from '../../../src/storage/index.ts'
import { type Fixture, storageFixture, testPasswordHash } from './storage-fixture.ts'

let fx: Fixture
let storage: Storage
const ids: Record<string, number> = {}

// One directory for the whole table: resolution only reads.
beforeAll(async () => {
  fx = await storageFixture()
  storage = fx.storage
  const hash = await testPasswordHash()
  await storage.domains.add('example.com')
  await storage.domains.add('catchall.example')
  await storage.domains.add('off.example')
  for (const email of [
    'ann@example.com',
    'bob@example.com',
    'carol@example.com',
    'a+b@example.com',
    'box@catchall.example',
    'dan@off.example',
  ]) {
    ids[email] = (await storage.accounts.create({ email, passwordHash: hash })).id
  }
  const dis = await storage.accounts.create({ email: 'gone@example.com', passwordHash: hash })
  ids['gone@example.com'] = dis.id
  await storage.accounts.setDisabled(dis.id, true)
  await storage.aliases.add('team@example.com', ['ann@example.com', 'bob@example.com'])
  await storage.aliases.add('fwd@example.com', ['someone@elsewhere.example'])
  await storage.aliases.add('mixed@example.com', ['carol@example.com', 'x@elsewhere.example', 'y@elsewhere.example'])
  await storage.aliases.add('chain1@example.com', ['team@example.com'])
  await storage.aliases.add('chain2@example.com', ['chain1@example.com', 'ann@example.com'])
  await storage.aliases.add('loop1@example.com', ['ann@example.com'])
  await storage.aliases.add('loop2@example.com', ['loop1@example.com'])
  // Close the loop after both exist: loop1 → loop2 → loop1.
  await storage.aliases.add('loop1@example.com', ['loop2@example.com'])
  await storage.aliases.add('deadloop1@example.com', ['bob@example.com'])
  await storage.aliases.add('deadloop2@example.com', ['deadloop1@example.com'])
  await storage.aliases.add('deadloop1@example.com', ['deadloop2@example.com'])
  await storage.aliases.remove('deadloop1@example.com', ['bob@example.com'])
  await storage.aliases.add('tagged@example.com', ['ann+work@example.com'])
  await storage.aliases.add('to-gone@example.com', ['gone@example.com'])
  await storage.aliases.add('half-gone@example.com', ['gone@example.com', 'bob@example.com'])
  // A chain deeper than MAX_ALIAS_DEPTH (10).
  await storage.aliases.add('deep0@example.com', ['ann@example.com'])
  for (let i = 1; i <= 12; i++) await storage.aliases.add(`deep${i}@example.com`, [`deep${i - 1}@example.com`])
  await storage.domains.setCatchAll('catchall.example', 'box@catchall.example')
  await storage.domains.setEnabled('off.example', false)
})
afterAll(() => fx.cleanup())

type Expected =
  | { kind: 'local'; accounts: string[]; external?: string[]; tag?: string | null; via: string }
  | { kind: 'external'; addresses: string[]; via: string }
  | { kind: 'unknown' | 'disabled' | 'remote' }

const summarise = (r: RecipientResolution): Expected => {
  switch (r.kind) {
    case 'local':
      return { kind: 'local', accounts: r.accounts.map(a => a.email), external: r.external, tag: r.tag, via: r.via }
    case 'external':
      return { kind: 'external', addresses: r.addresses, via: r.via }
    default:
      return { kind: r.kind }
  }
}

describe('resolveRecipient', () => {
  test.each<[string, string, Expected]>([
    [
      'exact',
      'ann@example.com',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: null, via: 'account' },
    ],
    [
      'case and IDN-insensitive',
      'ANN@Example.COM',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: null, via: 'account' },
    ],
    [
      'plus tag',
      'ann+news@example.com',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: 'news', via: 'account' },
    ],
    [
      'empty plus tag',
      'ann+@example.com',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: '', via: 'account' },
    ],
    [
      'a real account with a plus wins over the tag',
      'a+b@example.com',
      { kind: 'local', accounts: ['a+b@example.com'], external: [], tag: null, via: 'account' },
    ],
    [
      'alias to many',
      'team@example.com',
      { kind: 'local', accounts: ['ann@example.com', 'bob@example.com'], external: [], tag: null, via: 'alias' },
    ],
    [
      'alias with a tag',
      'team+x@example.com',
      { kind: 'local', accounts: ['ann@example.com', 'bob@example.com'], external: [], tag: 'x', via: 'alias' },
    ],
    [
      'alias to external',
      'fwd@example.com',
      { kind: 'external', addresses: ['someone@elsewhere.example'], via: 'alias' },
    ],
    [
      'alias to local and external',
      'mixed@example.com',
      {
        kind: 'local',
        accounts: ['carol@example.com'],
        external: ['x@elsewhere.example', 'y@elsewhere.example'],
        tag: null,
        via: 'alias',
      },
    ],
    [
      'alias chain, duplicates merged',
      'chain2@example.com',
      { kind: 'local', accounts: ['ann@example.com', 'bob@example.com'], external: [], tag: null, via: 'alias' },
    ],
    [
      'alias loop ends',
      'loop1@example.com',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: null, via: 'alias' },
    ],
    ['alias loop with no account', 'deadloop1@example.com', { kind: 'unknown' }],
    ['chain deeper than the bound', 'deep12@example.com', { kind: 'unknown' }],
    [
      'chain within the bound',
      'deep8@example.com',
      { kind: 'local', accounts: ['ann@example.com'], external: [], tag: null, via: 'alias' },
    ],
    [
      'catch-all',
      'anything@catchall.example',
      { kind: 'local', accounts: ['box@catchall.example'], external: [], tag: null, via: 'catch-all' },
    ],
    [
      'catch-all keeps the tag',
      'anything+t@catchall.example',
      { kind: 'local', accounts: ['box@catchall.example'], external: [], tag: 't', via: 'catch-all' },
    ],
    [
      'catch-all does not shadow accounts',
      'box@catchall.example',
      { kind: 'local', accounts: ['box@catchall.example'], external: [], tag: null, via: 'account' },
    ],
    ['disabled account', 'gone@example.com', { kind: 'disabled' }],
    ['disabled account with a tag', 'gone+x@example.com', { kind: 'disabled' }],
    ['alias to a disabled account only', 'to-gone@example.com', { kind: 'disabled' }],
    [
      'alias skips a disabled account',
      'half-gone@example.com',
      { kind: 'local', accounts: ['bob@example.com'], external: [], tag: null, via: 'alias' },
    ],
    ['disabled domain', 'dan@off.example', { kind: 'disabled' }],
    ['unknown local part', 'nobody@example.com', { kind: 'unknown' }],
    ['unknown with a tag', 'nobody+x@example.com', { kind: 'unknown' }],
    ['domain not hosted here', 'ann@elsewhere.example', { kind: 'remote' }],
  ])('%s: %s', async (_what, address, expected) => {
    expect(summarise(await storage.resolveRecipient(address))).toEqual(expected)
  })

  test('each local recipient carries its own tag, else the original one', async () => {
    const r = await storage.resolveRecipient('tagged+outer@example.com')
    expect(r).toMatchObject({ kind: 'local', tag: 'outer' })
    if (r.kind !== 'local') throw new Error('expected local')
    expect(r.accounts).toEqual([
      { accountId: ids['ann@example.com'] as number, email: 'ann@example.com', tag: 'work', quotaBytes: null },
    ])
    const plain = await storage.resolveRecipient('team+t@example.com')
    if (plain.kind !== 'local') throw new Error('expected local')
    expect(plain.accounts.map(a => a.tag)).toEqual(['t', 't'])
  })

  test('garbage → invalid_address', async () => {
    await expect(storage.resolveRecipient('not an address')).rejects.toMatchObject({
      codes: { code: 'invalid_address' },
    })
  })
})
