// STATUS: every item, on selected and unselected mailboxes.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let c: ImapTestClient
let uidValidity: number
let highestModseq: number
let size: number
beforeAll(async () => {
  f = await imapFixture()
  await f.storage.mailboxes.create(f.annId, 'Box')
  await f.deliver('Box', { flags: ['\\Seen'] })
  await f.deliver('Box', { flags: ['\\Deleted'] })
  await f.deliver('Box')
  const box = await f.storage.mailboxes.get(f.annId, 'Box')
  const status = await f.storage.mailboxes.status(box?.id ?? -1)
  uidValidity = status.uidValidity
  highestModseq = status.highestModseq
  size = status.size
  c = await f.login()
})
afterAll(() => f.cleanup())

test.each([
  ['MESSAGES', () => 'MESSAGES 3'],
  ['UIDNEXT', () => 'UIDNEXT 4'],
  ['UIDVALIDITY', () => `UIDVALIDITY ${uidValidity}`],
  ['UNSEEN', () => 'UNSEEN 2'],
  ['DELETED', () => 'DELETED 1'],
  ['SIZE', () => `SIZE ${size}`],
  ['HIGHESTMODSEQ', () => `HIGHESTMODSEQ ${highestModseq}`],
  ['APPENDLIMIT', () => `APPENDLIMIT ${64 * 1024}`],
  ['MESSAGES UNSEEN MESSAGES', () => 'MESSAGES 3 UNSEEN 2'],
])('STATUS Box (%s)', async (items, expected) => {
  expect(lines(await c.send(`a1 STATUS Box (${items})`))).toEqual([
    `* STATUS "Box" (${expected()})`,
    'a1 OK STATUS completed',
  ])
})

test("RECENT counts unclaimed messages, and the session's own once selected", async () => {
  expect(lines(await c.send('a1 STATUS Box (RECENT)'))[0]).toBe('* STATUS "Box" (RECENT 3)')
  await c.send('a2 SELECT Box')
  expect(lines(await c.send('a3 STATUS Box (RECENT)'))[0]).toBe('* STATUS "Box" (RECENT 3)')
  const other = await f.login()
  expect(lines(await other.send('b1 STATUS Box (RECENT)'))[0]).toBe('* STATUS "Box" (RECENT 0)')
})

test('HIGHESTMODSEQ turns CONDSTORE on (RFC 7162 §3.1)', async () => {
  const d = await f.login()
  expect(d.session.enabled.condstore).toBe(false)
  await d.send('a1 STATUS Box (HIGHESTMODSEQ)')
  expect(d.session.enabled.condstore).toBe(true)
})

test.each([
  ['a1 STATUS Nope (MESSAGES)', /^a1 NO \[NONEXISTENT\] /],
  ['a2 STATUS Box (BOGUS)', /^a2 BAD /],
  ['a3 STATUS Box ()', /^a3 BAD /],
  ['a4 STATUS Box', /^a4 BAD /],
])('%s', async (line, expected) => {
  expect(await c.send(line)).toMatch(expected)
})
