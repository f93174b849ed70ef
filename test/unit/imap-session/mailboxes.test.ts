// CREATE, DELETE, RENAME (with INBOX semantics), SUBSCRIBE / UNSUBSCRIBE.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { INBOX } from '../../../src/storage/index.ts'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let c: ImapTestClient
beforeAll(async () => {
  f = await imapFixture()
  c = await f.login()
})
afterAll(() => f.cleanup())
beforeEach(() => c.take())

const names = async () => (await f.storage.mailboxes.list(f.annId)).map(b => b.name)

describe('CREATE', () => {
  test.each([
    ['a1 CREATE Projects', 'a1 OK CREATE completed', 'Projects'],
    ['a2 CREATE Deep/Er/Still', 'a2 OK CREATE completed', 'Deep/Er/Still'],
    ['a3 CREATE Trailing/', 'a3 OK CREATE completed', 'Trailing'],
    ['a4 CREATE "With Space"', 'a4 OK CREATE completed', 'With Space'],
    ['a5 CREATE Entw&APw-rfe', 'a5 OK CREATE completed', 'Entwürfe'],
  ])('%s', async (line, reply, stored) => {
    expect(lines(await c.send(line))).toEqual([reply])
    expect(await names()).toContain(stored)
  })

  test('creates missing parents', async () => {
    expect(await names()).toEqual(expect.arrayContaining(['Deep', 'Deep/Er', 'Deep/Er/Still']))
  })

  test.each([
    ['b1 CREATE Projects', /^b1 NO \[ALREADYEXISTS\] /],
    ['b2 CREATE inbox', /^b2 NO \[ALREADYEXISTS\] /],
    ['b3 CREATE "a%b"', /^b3 NO \[CANNOT\] /],
    ['b4 CREATE "a//b"', /^b4 NO \[CANNOT\] /],
    ['b5 CREATE Odd (USE (\\Important))', /^b5 NO \[USEATTR\] /],
    ['b6 CREATE Two (USE (\\Sent \\Trash))', /^b6 NO \[USEATTR\] /],
    ['b7 CREATE Bad&name', /^b7 BAD /],
    ['b8 CREATE', /^b8 BAD /],
  ])('%s', async (line, expected) => {
    expect(await c.send(line)).toMatch(expected)
  })

  test('CREATE with USE sets the special use (CREATE-SPECIAL-USE)', async () => {
    expect(await c.send('c1 CREATE Spam (USE (\\Junk))')).toBe('c1 OK CREATE completed\r\n')
    expect((await f.storage.mailboxes.get(f.annId, 'Spam'))?.specialUse).toBe('\\Junk')
  })
})

describe('DELETE', () => {
  test('deletes a leaf', async () => {
    await c.send('d0 CREATE Gone')
    expect(await c.send('d1 DELETE Gone')).toBe('d1 OK DELETE completed\r\n')
    expect(await names()).not.toContain('Gone')
  })

  test.each([
    ['d2 DELETE Nope', /^d2 NO \[NONEXISTENT\] /],
    ['d3 DELETE INBOX', /^d3 NO \[CANNOT\] /],
    ['d4 DELETE Deep', /^d4 NO \[CANNOT\] .*inferior/],
  ])('%s', async (line, expected) => {
    expect(await c.send(line)).toMatch(expected)
  })

  test('deleting the selected mailbox leaves the selected state; another session that has it gets BYE', async () => {
    await c.send('d5 CREATE Doomed')
    const other = await f.login()
    await other.send('o1 SELECT Doomed')
    await c.send('d6 SELECT Doomed')
    expect(await c.send('d7 DELETE Doomed')).toBe('d7 OK DELETE completed\r\n')
    expect(c.session.state).toBe('authenticated')
    const reply = await other.send('o2 NOOP')
    expect(reply).toContain('* BYE Selected mailbox was deleted')
    expect(other.closed).toBe(true)
  })
})

describe('RENAME', () => {
  test('renames with inferiors and creates new parents', async () => {
    await c.send('r0 CREATE Old/Child')
    expect(await c.send('r1 RENAME Old New/Place')).toBe('r1 OK RENAME completed\r\n')
    expect(await names()).toEqual(expect.arrayContaining(['New', 'New/Place', 'New/Place/Child']))
    expect(await names()).not.toContain('Old')
  })

  test.each([
    ['r2 RENAME Nope Other', /^r2 NO \[NONEXISTENT\] /],
    ['r3 RENAME Projects Deep', /^r3 NO \[ALREADYEXISTS\] /],
    ['r4 RENAME Projects INBOX', /^r4 NO \[ALREADYEXISTS\] /],
    ['r5 RENAME Deep Deep/Er/Below', /^r5 NO \[CANNOT\] /],
  ])('%s', async (line, expected) => {
    expect(await c.send(line)).toMatch(expected)
  })

  test('RENAME INBOX moves its messages to the new mailbox; INBOX stays, empty; INBOX sessions see EXPUNGE', async () => {
    await f.deliver()
    await f.deliver()
    const watcher = await f.login()
    await watcher.send('w1 SELECT INBOX')
    const before = (await f.storage.mailboxes.get(f.annId, INBOX))?.id
    expect(await c.send('r6 RENAME INBOX "Old Mail"')).toBe('r6 OK RENAME completed\r\n')
    const inbox = await f.storage.mailboxes.get(f.annId, INBOX)
    const moved = await f.storage.mailboxes.get(f.annId, 'Old Mail')
    expect(inbox?.id).toBe(before)
    expect((await f.storage.mailboxes.status(inbox?.id ?? -1)).messages).toBe(0)
    expect((await f.storage.mailboxes.status(moved?.id ?? -1)).messages).toBe(2)
    expect(lines(await watcher.send('w2 NOOP'))).toEqual(['* 1 EXPUNGE', '* 1 EXPUNGE', 'w2 OK NOOP completed'])
  })

  test('the selected mailbox keeps working under its new name', async () => {
    await c.send('r7 CREATE Moving')
    await c.send('r8 SELECT Moving')
    expect(await c.send('r9 RENAME Moving Moved')).toBe('r9 OK RENAME completed\r\n')
    expect(c.session.selected?.name).toBe('Moved')
    await c.send('r10 UNSELECT')
  })
})

describe('SUBSCRIBE / UNSUBSCRIBE', () => {
  test('toggle the stored subscription', async () => {
    expect(await c.send('s1 UNSUBSCRIBE Projects')).toBe('s1 OK UNSUBSCRIBE completed\r\n')
    expect((await f.storage.mailboxes.get(f.annId, 'Projects'))?.subscribed).toBe(false)
    expect(await c.send('s2 SUBSCRIBE Projects')).toBe('s2 OK SUBSCRIBE completed\r\n')
    expect((await f.storage.mailboxes.get(f.annId, 'Projects'))?.subscribed).toBe(true)
  })

  test('a missing mailbox is NO [NONEXISTENT]', async () => {
    expect(await c.send('s3 SUBSCRIBE Nope')).toMatch(/^s3 NO \[NONEXISTENT\] /)
  })
})
