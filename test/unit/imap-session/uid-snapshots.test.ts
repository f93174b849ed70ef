// Sessions that select a mailbox in the same state share one UID array (uid-snapshots.ts); a change
// gives the next SELECT a fresh one, and a session holding the shared array still learns about the
// change through its events, without touching what the others hold.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type ImapFixture, imapFixture } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
  for (let i = 0; i < 3; i++) await f.deliver()
})
afterAll(() => f.cleanup())

test('one array per mailbox state, replaced (not changed) when the mailbox changes', async () => {
  const a = await f.login()
  const b = await f.login()
  await a.send('a1 SELECT INBOX')
  await b.send('b1 EXAMINE INBOX')
  const shared = a.session.selected?.allUids
  expect(shared).toBeDefined()
  expect(b.session.selected?.allUids).toBe(shared as ArrayLike<number>)
  expect(Array.from(shared ?? [])).toEqual([1, 2, 3])

  await f.deliver()
  const c = await f.login()
  await c.send('c1 SELECT INBOX')
  expect(c.session.selected?.allUids).not.toBe(shared as ArrayLike<number>)
  expect(Array.from(c.session.selected?.allUids ?? [])).toEqual([1, 2, 3, 4])

  // a learns about the delivery; b's view, still sharing the old array, is untouched until it asks.
  expect(await a.send('a2 NOOP')).toContain('* 4 EXISTS')
  expect(Array.from(a.session.selected?.allUids ?? [])).toEqual([1, 2, 3, 4])
  expect(Array.from(b.session.selected?.allUids ?? [])).toEqual([1, 2, 3])
  expect(Array.from(shared ?? [])).toEqual([1, 2, 3])
  expect(await b.send('b2 NOOP')).toContain('* 4 EXISTS')
})
