// The DAV repository on a real SQLite database: collections, byte-intact objects, UID uniqueness,
// preconditions inside the write transaction, the change log behind sync tokens, COPY/MOVE, the
// time-range pre-filter, cascades and usage.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { manualClock } from '../../../src/core/clock.ts'
import { MailError } from '../../../src/core/errors.ts'
import { createDavRepository, type DavRepository } from '../../../src/storage/repositories/dav/dav-repository.ts'
import type { PutObjectInput } from '../../../src/storage/repositories/dav/dav-records.ts'
import { type Fixture, storageFixture, testPasswordHash } from '../storage/storage-fixture.ts'

let fx: Fixture
let repo: DavRepository
let accountId: number
const clock = manualClock()

beforeEach(async () => {
  fx = await storageFixture({ clock })
  await fx.storage.domains.add('x.test')
  accountId = (await fx.storage.accounts.create({ email: 'ann@x.test', passwordHash: await testPasswordHash() })).id
  repo = createDavRepository({ db: fx.storage.db, clock })
}, 20_000)
afterEach(() => fx.cleanup())

const input = (
  name: string,
  uid = name,
  body = `body of ${name}`,
  bounds: [number | null, number | null] = [null, null],
): PutObjectInput => ({
  name,
  uid,
  etag: `"${name}-${body.length}"`,
  componentType: 'VEVENT',
  contentType: 'text/calendar; charset=utf-8',
  body: new TextEncoder().encode(body),
  firstStart: bounds[0],
  lastEnd: bounds[1],
})
const ok = () => {}
const newCalendar = (name = 'cal') =>
  repo.createCollection({ accountId, kind: 'calendar', name, components: ['VEVENT'] })
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise
    return 'ok'
  } catch (e) {
    return e instanceof MailError ? e.codes.code : String(e)
  }
}

describe('collections', () => {
  test('create, duplicate, list per kind, update with dead properties, defaults only when empty', async () => {
    const cal = await newCalendar()
    expect(cal).toMatchObject({ kind: 'calendar', name: 'cal', components: ['VEVENT'], syncSeq: 0, properties: {} })
    expect(await codeOf(newCalendar())).toBe('dav_collection_exists')
    await repo.createCollection({ accountId, kind: 'addressbook', name: 'cal' })
    expect((await repo.listCollections(accountId, 'calendar')).map(c => c.name)).toEqual(['cal'])
    const updated = await repo.updateCollection(cal.id, {
      displayName: 'Work',
      properties: { '{urn:x}a': '<a xmlns="urn:x"/>' },
    })
    expect(updated.displayName).toBe('Work')
    expect((await repo.updateCollection(cal.id, { properties: { '{urn:x}a': null } })).properties).toEqual({})
    await repo.ensureCollections(accountId, 'calendar', [{ accountId, kind: 'calendar', name: 'default' }])
    expect((await repo.listCollections(accountId, 'calendar')).map(c => c.name)).toEqual(['cal'])
    await repo.ensureCollections(accountId, 'addressbook', [{ accountId, kind: 'addressbook', name: 'x' }])
    expect((await repo.listCollections(accountId, 'addressbook')).map(c => c.name)).toEqual(['cal'])
    await repo.deleteCollection((await repo.getCollection(accountId, 'addressbook', 'cal'))?.id ?? 0)
    await repo.ensureCollections(accountId, 'addressbook', [{ accountId, kind: 'addressbook', name: 'x' }])
    expect((await repo.listCollections(accountId, 'addressbook')).map(c => c.name)).toEqual(['x'])
  })
})

describe('objects', () => {
  test('bodies come back byte for byte, with or without bodies in listings', async () => {
    const cal = await newCalendar()
    const bytes = new Uint8Array([0x42, 0x45, 0x47, 0x0d, 0x0a, 0xc3, 0xa4, 0x00, 0xff])
    const { created } = await repo.putObject(cal.id, { ...input('bin.ics'), body: bytes }, ok)
    expect(created).toBe(true)
    expect((await repo.getObject(cal.id, 'bin.ics'))?.body).toEqual(bytes)
    expect((await repo.listObjects(cal.id))[0]).not.toHaveProperty('body')
    expect((await repo.listObjects(cal.id))[0]?.size).toBe(9)
    expect((await repo.getObjects(cal.id, ['bin.ics', 'missing.ics'])).map(o => o.name)).toEqual(['bin.ics'])
  })

  test('a UID is unique within a collection but not across collections', async () => {
    const a = await newCalendar('a')
    const b = await newCalendar('b')
    await repo.putObject(a.id, input('one.ics', 'same'), ok)
    expect(await codeOf(repo.putObject(a.id, input('two.ics', 'same'), ok))).toBe('dav_uid_conflict')
    expect(await codeOf(repo.putObject(a.id, input('one.ics', 'same', 'new body'), ok))).toBe('ok')
    expect(await codeOf(repo.putObject(b.id, input('one.ics', 'same'), ok))).toBe('ok')
  })

  test('the check runs inside the transaction and a throw writes nothing', async () => {
    const cal = await newCalendar()
    await repo.putObject(cal.id, input('x.ics'), ok)
    const seen: Array<string | null> = []
    const refused = repo.putObject(cal.id, input('x.ics', 'x.ics', 'changed'), current => {
      seen.push(current?.etag ?? null)
      throw new Error('412')
    })
    expect(await codeOf(refused)).toContain('412')
    expect(seen).toEqual(['"x.ics-13"'])
    expect(new TextDecoder().decode((await repo.getObject(cal.id, 'x.ics'))?.body)).toBe('body of x.ics')
    expect((await repo.getCollection(accountId, 'calendar', 'cal'))?.syncSeq).toBe(1)
    expect(
      await repo
        .deleteObject(cal.id, 'x.ics', () => {
          throw new Error('no')
        })
        .catch(() => 'refused'),
    ).toBe('refused')
    expect(await repo.deleteObject(cal.id, 'x.ics', ok)).toBe(true)
    expect(await repo.deleteObject(cal.id, 'x.ics', ok)).toBe(false)
  })

  test('listObjectBodies with a range skips objects whose bounds cannot overlap', async () => {
    const cal = await newCalendar()
    await repo.putObject(cal.id, input('early.ics', 'e', 'e', [0, 100]), ok)
    await repo.putObject(cal.id, input('late.ics', 'l', 'l', [1000, 2000]), ok)
    await repo.putObject(cal.id, input('open.ics', 'o', 'o', [500, null]), ok)
    await repo.putObject(cal.id, input('any.ics', 'a', 'a', [null, null]), ok)
    const names = async (start: number | null, end: number | null) =>
      (await repo.listObjectBodies(cal.id, { start, end })).map(o => o.name).sort()
    expect(await names(0, 50)).toEqual(['any.ics', 'early.ics'])
    expect(await names(100, 200)).toEqual(['any.ics', 'early.ics'])
    expect(await names(600, 1500)).toEqual(['any.ics', 'late.ics', 'open.ics'])
    expect(await names(5000, null)).toEqual(['any.ics', 'open.ics'])
    expect((await repo.listObjectBodies(cal.id)).length).toBe(4)
  })

  test('copy and move keep body, UID and ETag; a copy inside one collection is a UID conflict', async () => {
    const a = await newCalendar('a')
    const b = await newCalendar('b')
    await repo.putObject(a.id, input('m.ics', 'm', 'content'), ok)
    const original = await repo.getObject(a.id, 'm.ics')
    expect(
      await codeOf(
        repo.copyObject(
          { collectionId: a.id, name: 'm.ics' },
          { collectionId: a.id, name: 'n.ics' },
          { move: false, checkDestination: ok },
        ),
      ),
    ).toBe('dav_uid_conflict')
    const copied = await repo.copyObject(
      { collectionId: a.id, name: 'm.ics' },
      { collectionId: b.id, name: 'c.ics' },
      { move: false, checkDestination: ok },
    )
    expect(copied.created).toBe(true)
    expect(copied.object.etag).toBe(original?.etag ?? '')
    const moved = await repo.copyObject(
      { collectionId: a.id, name: 'm.ics' },
      { collectionId: a.id, name: 'renamed.ics' },
      { move: true, checkDestination: ok },
    )
    expect(moved.created).toBe(true)
    expect((await repo.listObjects(a.id)).map(o => o.name)).toEqual(['renamed.ics'])
    expect((await repo.getObject(a.id, 'renamed.ics'))?.body).toEqual(original?.body ?? new Uint8Array())
  })
})

describe('change log', () => {
  test('changesSince reports the latest change per member, deletions included', async () => {
    const cal = await newCalendar()
    await repo.putObject(cal.id, input('a.ics'), ok) // 1
    await repo.putObject(cal.id, input('b.ics'), ok) // 2
    const mark = (await repo.getCollection(accountId, 'calendar', 'cal'))?.syncSeq ?? -1
    expect(mark).toBe(2)
    await repo.putObject(cal.id, input('a.ics', 'a.ics', 'edited'), ok) // 3
    await repo.deleteObject(cal.id, 'b.ics', ok) // 4
    await repo.putObject(cal.id, input('c.ics'), ok) // 5
    await repo.deleteObject(cal.id, 'c.ics', ok) // 6
    expect(await repo.changesSince(cal.id, mark)).toEqual([
      { name: 'a.ics', seq: 3, deleted: false },
      { name: 'b.ics', seq: 4, deleted: true },
      { name: 'c.ics', seq: 6, deleted: true },
    ])
    expect(await repo.changesSince(cal.id, 6)).toEqual([])
    expect((await repo.changesSince(cal.id, 0)).length).toBe(3)
    expect(await codeOf(repo.changesSince(cal.id, 7))).toBe('dav_invalid_sync_token')
    expect(await codeOf(repo.changesSince(cal.id, -1))).toBe('dav_invalid_sync_token')
  })

  test('a collection deleted and re-created starts over with a new id', async () => {
    const cal = await newCalendar()
    await repo.putObject(cal.id, input('a.ics'), ok)
    await repo.deleteCollection(cal.id)
    expect(await codeOf(repo.changesSince(cal.id, 0))).toBe('dav_unknown_collection')
    const again = await newCalendar()
    expect(again.id).not.toBe(cal.id)
    expect(again.syncSeq).toBe(0)
    expect(await repo.listObjects(cal.id)).toEqual([])
  })
})

describe('accounts', () => {
  test('usedBytes sums the account’s objects; deleting the account removes its DAV data', async () => {
    const cal = await newCalendar()
    await repo.putObject(cal.id, input('a.ics', 'a', 'x'.repeat(100)), ok)
    await repo.putObject(cal.id, input('b.ics', 'b', 'y'.repeat(50)), ok)
    expect(await repo.usedBytes(accountId)).toBe(150)
    await fx.storage.accounts.delete(accountId)
    expect(await repo.listCollections(accountId, 'calendar')).toEqual([])
    expect(await repo.usedBytes(accountId)).toBe(0)
  })
})
