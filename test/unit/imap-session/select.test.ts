// SELECT / EXAMINE: the responses and their order, READ-WRITE / READ-ONLY, \Recent, IMAP4rev2,
// CONDSTORE and QRESYNC.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let box: string
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Select${++n}`
  await f.storage.mailboxes.create(f.annId, box)
})

async function mailboxState() {
  const record = await f.storage.mailboxes.get(f.annId, box)
  if (record === null) throw new Error('no mailbox')
  return record
}

test('SELECT: every response in RFC 3501 order, then OK [READ-WRITE]', async () => {
  await f.deliver(box, { flags: ['\\Seen'] })
  await f.deliver(box)
  await f.deliver(box, { flags: ['\\Seen'] })
  await f.storage.messages.setFlags((await mailboxState()).id, [{ from: 1, to: 1 }], {
    mode: 'add',
    keywords: ['$Work'],
  })
  const state = await mailboxState()
  const c = await f.login()
  expect(lines(await c.send(`a1 SELECT ${box}`))).toEqual([
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
    '* 3 EXISTS',
    '* 3 RECENT',
    '* OK [UNSEEN 2] Message 2 is the first unseen',
    '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
    `* OK [UIDVALIDITY ${state.uidValidity}] UIDs valid`,
    '* OK [UIDNEXT 4] Predicted next UID',
    `* OK [HIGHESTMODSEQ ${state.highestModseq}] Highest`,
    'a1 OK [READ-WRITE] SELECT completed',
  ])
  expect(c.session.state).toBe('selected')
  expect(Array.from(c.session.selected?.allUids ?? [])).toEqual([1, 2, 3])
})

test('EXAMINE: READ-ONLY, no permanent flags, does not take \\Recent away', async () => {
  await f.deliver(box)
  const a = await f.login()
  const examined = lines(await a.send(`a1 EXAMINE ${box}`))
  expect(examined).toContain('* 1 RECENT')
  expect(examined).toContain('* OK [PERMANENTFLAGS ()] No permanent flags permitted')
  expect(examined.at(-1)).toBe('a1 OK [READ-ONLY] EXAMINE completed')
  // The first SELECT after it still sees the message as recent; the next session does not.
  const b = await f.login()
  expect(lines(await b.send(`b1 SELECT ${box}`))).toContain('* 1 RECENT')
  const c = await f.login()
  expect(lines(await c.send(`c1 SELECT ${box}`))).toContain('* 0 RECENT')
  // The \Recent count of a session follows the messages it claims as they arrive.
  await f.deliver(box)
  const noop = lines(await b.send('b2 NOOP'))
  expect(noop).toEqual(['* 2 EXISTS', '* 2 RECENT', 'b2 OK NOOP completed'])
  expect(b.session.selected?.isRecent(2)).toBe(true)
  expect(lines(await c.send('c2 NOOP'))).toEqual(['* 2 EXISTS', '* 0 RECENT', 'c2 OK NOOP completed'])
})

test('a missing mailbox: NO [NONEXISTENT], and nothing stays selected', async () => {
  const c = await f.login()
  await c.send(`a1 SELECT ${box}`)
  expect(await c.send('a2 SELECT Nope')).toBe('a2 NO [NONEXISTENT] Mailbox Nope does not exist\r\n')
  expect(c.session.state).toBe('authenticated')
  expect(await c.send('a3 EXPUNGE')).toStartWith('a3 BAD')
})

test('INBOX in any case', async () => {
  const c = await f.login()
  expect(await c.send('a1 SELECT inbox')).toContain('a1 OK [READ-WRITE]')
  expect(c.session.selected?.name).toBe('INBOX')
})

test('IMAP4rev2: no RECENT or UNSEEN, a LIST line for the mailbox', async () => {
  await f.deliver(box)
  const c = await f.login()
  await c.send('a0 ENABLE IMAP4rev2')
  const reply = lines(await c.send(`a1 SELECT ${box}`))
  expect(reply.some(l => l.includes('RECENT') || l.includes('UNSEEN'))).toBe(false)
  expect(reply).toContain(`* LIST (\\HasNoChildren) "/" "${box}"`)
})

test('UTF-8 and modified UTF-7 names', async () => {
  await f.storage.mailboxes.create(f.annId, 'Entwürfe')
  const c = await f.login()
  expect(await c.send('a1 SELECT Entw&APw-rfe')).toContain('a1 OK')
  expect(c.session.selected?.name).toBe('Entwürfe')
  await c.send('a2 UNSELECT')
  await c.send('a3 ENABLE UTF8=ACCEPT')
  expect(await c.send('a4 SELECT "Entwürfe"')).toContain('a4 OK')
})

describe('CONDSTORE / QRESYNC', () => {
  let c: ImapTestClient
  beforeEach(async () => {
    c = await f.login()
  })

  test('SELECT (CONDSTORE) turns CONDSTORE on', async () => {
    await c.send(`a1 SELECT ${box} (CONDSTORE)`)
    expect(c.session.enabled.condstore).toBe(true)
  })

  test('QRESYNC without ENABLE is BAD', async () => {
    expect(await c.send(`a1 SELECT ${box} (QRESYNC (1 1))`)).toStartWith(
      'a1 BAD The QRESYNC parameter needs ENABLE QRESYNC',
    )
  })

  test("QRESYNC resync: VANISHED (EARLIER) and FETCH of changes since the client's MODSEQ", async () => {
    for (let i = 0; i < 5; i++) await f.deliver(box)
    const state = await mailboxState()
    const since = state.highestModseq
    await f.storage.messages.setFlags(state.id, [{ from: 2, to: 3 }], { mode: 'add', flags: ['\\Deleted'] })
    await f.storage.messages.expunge(state.id)
    await f.storage.messages.setFlags(state.id, [{ from: 5, to: 5 }], { mode: 'add', flags: ['\\Seen'] })
    const now = await mailboxState()
    await c.send('a0 ENABLE QRESYNC')
    const reply = lines(await c.send(`a1 SELECT ${box} (QRESYNC (${state.uidValidity} ${since} 1:5))`))
    expect(reply).toContain(`* OK [HIGHESTMODSEQ ${now.highestModseq}] Highest`)
    expect(reply).toContain('* VANISHED (EARLIER) 2:3')
    expect(reply).toContain(`* 3 FETCH (UID 5 FLAGS (\\Seen \\Recent) MODSEQ (${now.highestModseq}))`)
    expect(reply.at(-1)).toBe('a1 OK [READ-WRITE] SELECT completed')
    // A different UIDVALIDITY: no resync data.
    const again = lines(await c.send(`a2 SELECT ${box} (QRESYNC (${state.uidValidity + 1} ${since}))`))
    expect(again[0]).toBe('* OK [CLOSED] Previous mailbox is now closed')
    expect(again.some(l => l.includes('VANISHED') || l.includes('FETCH'))).toBe(false)
  })
})
