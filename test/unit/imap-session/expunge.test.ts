// EXPUNGE, UID EXPUNGE, CLOSE, UNSELECT, CHECK, and the timing of EXPUNGE responses across
// sessions (RFC 9051 §7.5.1): never between commands, never while answering FETCH/STORE/SEARCH by
// sequence number, but during UID commands and NOOP.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import type { SequenceSet } from '../../../src/imap/protocol/sequence-set.ts'
import { SELECTED, defineCommand } from '../../../src/imap/session/command-context.ts'
import { requireSelected } from '../../../src/imap/session/session-guards.ts'
import { type ImapFixture, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let box: string
let boxId: number
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Exp${++n}`
  boxId = (await f.storage.mailboxes.create(f.annId, box)).id
  for (let i = 0; i < 5; i++) await f.deliver(box)
})

const flagDeleted = (...uids: number[]) =>
  f.storage.messages.setFlags(
    boxId,
    uids.map(u => ({ from: u, to: u })),
    { mode: 'add', flags: ['\\Deleted'] },
  )

/** A stand-in for the message commands (written later): FETCH by number defers expunges, UID FETCH does not. */
const fetchStandIn = defineCommand({
  name: 'FETCH',
  states: SELECTED,
  deferExpunge: command => !command.uid,
  run(ctx, command) {
    requireSelected(ctx).uidsOf(command.sequenceSet as SequenceSet, command.uid)
    return undefined
  },
})

describe('own expunges', () => {
  test('EXPUNGE reports each removed message, lowest first', async () => {
    const c = await f.login()
    await c.send(`a1 SELECT ${box}`)
    await flagDeleted(2, 3, 5)
    // The flag changes come first (from the NOOP), then the expunges.
    await c.send('a2 NOOP')
    expect(lines(await c.send('a3 EXPUNGE'))).toEqual([
      '* 2 EXPUNGE',
      '* 2 EXPUNGE',
      '* 3 EXPUNGE',
      'a3 OK EXPUNGE completed',
    ])
    expect(Array.from(c.session.selected?.allUids ?? [])).toEqual([1, 4])
  })

  test('UID EXPUNGE only touches the given UIDs', async () => {
    const c = await f.login()
    await c.send(`a1 SELECT ${box}`)
    await flagDeleted(1, 2)
    await c.send('a2 NOOP')
    expect(lines(await c.send('a3 UID EXPUNGE 2:4'))).toEqual(['* 2 EXPUNGE', 'a3 OK UID EXPUNGE completed'])
    expect(await f.storage.messages.uids(boxId)).toEqual([1, 3, 4, 5])
  })

  test('QRESYNC: VANISHED instead of EXPUNGE', async () => {
    const c = await f.login()
    await c.send('a0 ENABLE QRESYNC')
    await c.send(`a1 SELECT ${box}`)
    await flagDeleted(2, 3, 5)
    await c.send('a2 NOOP')
    expect(lines(await c.send('a3 EXPUNGE'))).toEqual(['* VANISHED 2:3,5', 'a3 OK EXPUNGE completed'])
  })

  test('flag changes by others arrive as FETCH with UID (and MODSEQ under CONDSTORE)', async () => {
    const c = await f.login()
    await c.send(`a1 SELECT ${box} (CONDSTORE)`)
    const result = await f.storage.messages.setFlags(boxId, [{ from: 4, to: 4 }], { mode: 'add', flags: ['\\Flagged'] })
    const modseq = result.changed[0]?.modseq
    expect(lines(await c.send('a2 NOOP'))).toEqual([
      `* 4 FETCH (UID 4 FLAGS (\\Flagged \\Recent) MODSEQ (${modseq}))`,
      'a2 OK NOOP completed',
    ])
  })

  test('EXAMINE: EXPUNGE is refused', async () => {
    const c = await f.login()
    await c.send(`a1 EXAMINE ${box}`)
    expect(await c.send('a2 EXPUNGE')).toMatch(/^a2 NO \[CANNOT\] /)
  })

  test('CLOSE expunges silently; UNSELECT does not expunge', async () => {
    const c = await f.login()
    await c.send(`a1 SELECT ${box}`)
    await flagDeleted(1)
    await c.send('a2 NOOP')
    expect(await c.send('a3 UNSELECT')).toBe('a3 OK UNSELECT completed\r\n')
    expect((await f.storage.messages.uids(boxId)).length).toBe(5)
    await c.send(`a4 SELECT ${box}`)
    expect(await c.send('a5 CHECK')).toBe('a5 OK CHECK completed\r\n')
    expect(await c.send('a6 CLOSE')).toBe('a6 OK CLOSE completed\r\n')
    expect(c.session.state).toBe('authenticated')
    expect(await f.storage.messages.uids(boxId)).toEqual([2, 3, 4, 5])
  })

  test('CLOSE after EXAMINE expunges nothing', async () => {
    await flagDeleted(1)
    const c = await f.login()
    await c.send(`a1 EXAMINE ${box}`)
    await c.send('a2 CLOSE')
    expect((await f.storage.messages.uids(boxId)).length).toBe(5)
  })
})

describe('two sessions on one mailbox', () => {
  test("B sees A's EXPUNGE at its next NOOP, not before, with its own numbers", async () => {
    const a = await f.login()
    const b = await f.login()
    await a.send(`a1 SELECT ${box}`)
    await b.send(`b1 SELECT ${box}`)
    await flagDeleted(2)
    await a.send('a3 NOOP')
    expect(lines(await a.send('a4 EXPUNGE'))).toEqual(['* 2 EXPUNGE', 'a4 OK EXPUNGE completed'])
    // Nothing was pushed to B between commands.
    expect(b.take()).toBe('')
    expect(b.session.selected?.messageCount).toBe(5)
    const reply = lines(await b.send('b2 NOOP'))
    expect(reply).toContain('* 2 EXPUNGE')
    expect(reply.at(-1)).toBe('b2 OK NOOP completed')
    expect(Array.from(b.session.selected?.allUids ?? [])).toEqual([1, 3, 4, 5])
  })

  test('held back during FETCH by number, sent during UID FETCH', async () => {
    const a = await f.login(
      { email: 'ann@example.test', password: 'correct horse battery staple' },
      { commands: [fetchStandIn] },
    )
    await a.send(`a1 SELECT ${box}`)
    await flagDeleted(3)
    await a.send('a2 NOOP')
    await f.storage.messages.expunge(boxId)
    await f.deliver(box)
    // FETCH by number: EXISTS may go out, EXPUNGE must not; the client's numbers stay valid.
    const during = lines(await a.send('a3 FETCH 1:5 FLAGS'))
    expect(during).toEqual(['* 6 EXISTS', '* 6 RECENT', 'a3 OK FETCH completed'])
    expect(await a.send('a3b FETCH 6 FLAGS')).toBe('a3b OK FETCH completed\r\n')
    expect(a.session.selected?.isExpungePending(3)).toBe(true)
    // UID FETCH may carry it.
    expect(lines(await a.send('a4 UID FETCH 1:* FLAGS'))).toEqual(['* 3 EXPUNGE', 'a4 OK UID FETCH completed'])
    expect(a.session.selected?.messageCount).toBe(5)
  })

  test('an error reply carries the pending updates too', async () => {
    const a = await f.login()
    await a.send(`a1 SELECT ${box}`)
    await f.deliver(box)
    expect(lines(await a.send('a2 CREATE INBOX'))).toEqual([
      '* 6 EXISTS',
      '* 6 RECENT',
      expect.stringMatching(/^a2 NO \[ALREADYEXISTS\]/),
    ])
  })
})
