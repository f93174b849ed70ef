// IDLE (RFC 2177): changes committed by anyone — a delivery through storage, another session's
// expunge or flag change — are pushed at once; DONE ends it.
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let box: string
let boxId: number
let c: ImapTestClient
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Idle${++n}`
  boxId = (await f.storage.mailboxes.create(f.annId, box)).id
  await f.deliver(box)
  c = await f.login()
  await c.send(`a1 SELECT ${box}`)
})

test('a delivery during IDLE arrives as EXISTS without any client command', async () => {
  expect(await c.send('a2 IDLE')).toBe('+ idling\r\n')
  await f.deliver(box)
  expect(await c.waitFor(/\* 2 EXISTS\r\n/)).toBe('* 2 EXISTS\r\n* 2 RECENT\r\n')
  await f.deliver(box)
  expect(await c.waitFor(/\* 3 EXISTS\r\n/)).toBe('* 3 EXISTS\r\n* 3 RECENT\r\n')
  expect(await c.send('DONE')).toBe('a2 OK IDLE terminated\r\n')
  expect(await c.send('a3 NOOP')).toBe('a3 OK NOOP completed\r\n')
})

test('expunges and flag changes by others during IDLE', async () => {
  await f.deliver(box)
  await c.send('a2 NOOP')
  expect(await c.send('a3 IDLE')).toBe('+ idling\r\n')
  await f.storage.messages.setFlags(boxId, [{ from: 1, to: 1 }], { mode: 'add', flags: ['\\Deleted'] })
  expect(await c.waitFor(/FETCH/)).toBe('* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))\r\n')
  await f.storage.messages.expunge(boxId)
  expect(await c.waitFor(/EXPUNGE/)).toBe('* 1 EXPUNGE\r\n')
  expect(Array.from(c.session.selected?.allUids ?? [])).toEqual([2])
  expect(await c.send('done')).toBe('a3 OK IDLE terminated\r\n')
})

test('changes queued before IDLE go out right after "+"', async () => {
  await f.deliver(box)
  expect(lines(await c.send('a2 IDLE'))).toEqual(['* 2 EXISTS', '* 2 RECENT', '+ idling'])
  await c.send('DONE')
})

test('two sessions: an EXPUNGE by one is pushed to the other idling', async () => {
  const other = await f.login()
  await other.send(`o1 SELECT ${box}`)
  await c.send('a2 IDLE')
  await f.storage.messages.setFlags(boxId, [{ from: 1, to: 1 }], { mode: 'add', flags: ['\\Deleted'] })
  await c.waitFor(/FETCH/)
  // The queued flag change of a message that is gone is not reported.
  expect(lines(await other.send('o2 EXPUNGE'))).toEqual(['* 1 EXPUNGE', 'o2 OK EXPUNGE completed'])
  expect(await c.waitFor(/EXPUNGE/)).toBe('* 1 EXPUNGE\r\n')
  await c.send('DONE')
})

test('anything but DONE ends IDLE with BAD', async () => {
  await c.send('a2 IDLE')
  expect(await c.send('a3 NOOP')).toMatch(/^a2 BAD Expected DONE/)
  expect(c.session.state).toBe('selected')
})

test('IDLE without a selected mailbox, and pipelined commands after DONE', async () => {
  await c.send('a2 UNSELECT')
  expect(await c.send('a3 IDLE')).toBe('+ idling\r\n')
  expect(lines(await c.feed('DONE\r\na4 NOOP\r\n'))).toEqual(['a3 OK IDLE terminated', 'a4 OK NOOP completed'])
})

test('the mailbox deleted while idling: BYE and close', async () => {
  await c.send('a2 IDLE')
  await f.storage.mailboxes.delete(f.annId, box)
  expect(await c.waitFor(/BYE/)).toBe('* BYE Selected mailbox was deleted, have to disconnect\r\n')
  await c.settle()
  expect(c.closed).toBe(true)
})

test('shutdown while idling says BYE at once', async () => {
  await c.send('a2 IDLE')
  c.session.onShutdown()
  await c.settle()
  expect(c.take()).toBe('* BYE Server shutting down\r\n')
  expect(c.closed).toBe(true)
})

test('the idle timeout stays at least 29 minutes (RFC 2177 §3)', async () => {
  await c.send('a2 IDLE')
  expect(c.transport.idleTimeoutMs ?? 0).toBeGreaterThanOrEqual(29 * 60_000)
  await c.send('DONE')
})
