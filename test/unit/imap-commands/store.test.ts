// STORE / UID STORE: replace/add/remove of flags and keywords, .SILENT, UNCHANGEDSINCE with the
// MODIFIED response code, MODSEQ once CONDSTORE is on, EXAMINE refusal, malformed input.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from '../imap-session/support/imap-harness.ts'

let f: ImapFixture
let box: string
let boxId: number
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Store${++n}`
  boxId = (await f.storage.mailboxes.create(f.annId, box)).id
  for (let i = 0; i < 3; i++) await f.deliver(box)
})

async function selected(command = 'SELECT', enable?: string): Promise<ImapTestClient> {
  const c = await f.login()
  if (enable !== undefined) expect(await c.send(`e1 ENABLE ${enable}`)).toContain('e1 OK')
  expect(await c.send(`s1 ${command} ${box}`)).toContain('s1 OK')
  return c
}

const flagsOf = async (uid: number) => {
  const record = await f.storage.messages.get(boxId, uid)
  return [...(record?.flags ?? []), ...(record?.keywords ?? [])]
}

describe('operations', () => {
  test.each([
    ['+FLAGS (\\Flagged $Work)', ['\\Flagged', '$Work']],
    ['+FLAGS \\Seen', ['\\Seen']],
    ['FLAGS (\\Draft)', ['\\Draft']],
    ['FLAGS ()', []],
  ])('STORE 1 %s', async (item, expected) => {
    const c = await selected()
    const reply = await c.send(`a1 STORE 1 ${item}`)
    const shown = [...expected, '\\Recent'].join(' ')
    expect(lines(reply)).toEqual([`* 1 FETCH (UID 1 FLAGS (${shown}))`, 'a1 OK STORE completed'])
    expect((await flagsOf(1)).sort()).toEqual([...expected].sort())
  })

  test('-FLAGS removes flags and keywords; keywords compare case-insensitively', async () => {
    const c = await selected()
    await c.send('a1 STORE 1:2 +FLAGS (\\Flagged $Work)')
    const reply = await c.send('a2 UID STORE 1 -FLAGS ($WORK \\Flagged)')
    expect(lines(reply)).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Recent))', 'a2 OK UID STORE completed'])
    expect(await flagsOf(2)).toEqual(['\\Flagged', '$Work'])
  })

  test('.SILENT sends no FETCH, and the change is not reported again later', async () => {
    const c = await selected()
    expect(lines(await c.send('a1 STORE 1:* +FLAGS.SILENT (\\Seen)'))).toEqual(['a1 OK STORE completed'])
    expect(lines(await c.send('a2 NOOP'))).toEqual(['a2 OK NOOP completed'])
    expect(await flagsOf(3)).toEqual(['\\Seen'])
  })

  test('another session sees the change as an unsolicited FETCH', async () => {
    const other = await selected()
    const c = await selected()
    await c.send('a1 STORE 2 +FLAGS.SILENT (\\Answered)')
    expect(await other.send('b1 NOOP')).toContain('* 2 FETCH (UID 2 FLAGS (\\Answered')
  })
})

describe('CONDSTORE', () => {
  test('MODSEQ in FETCH responses once enabled, even for .SILENT', async () => {
    const c = await selected('SELECT', 'CONDSTORE')
    expect(await c.send('a1 STORE 1 +FLAGS (\\Seen)')).toMatch(
      /\* 1 FETCH \(UID 1 FLAGS \(\\Seen \\Recent\) MODSEQ \(\d+\)\)/,
    )
    expect(await c.send('a2 STORE 2 +FLAGS.SILENT (\\Seen)')).toMatch(/\* 2 FETCH \(UID 2 MODSEQ \(\d+\)\)/)
  })

  test('UNCHANGEDSINCE leaves newer messages alone and lists them in MODIFIED', async () => {
    const c = await selected()
    const base = (await f.storage.messages.get(boxId, 3))?.modseq ?? 0
    await f.storage.messages.setFlags(boxId, [{ from: 2, to: 2 }], { mode: 'add', flags: ['\\Flagged'] })
    await c.send('a0 NOOP')
    const reply = await c.send(`a1 STORE 1:3 (UNCHANGEDSINCE ${base}) +FLAGS (\\Deleted)`)
    expect(reply).toContain('a1 OK [MODIFIED 2]')
    expect(reply).not.toContain('* 2 FETCH')
    expect(reply).toMatch(/\* 1 FETCH \(UID 1 FLAGS \(\\Deleted \\Recent\) MODSEQ \(\d+\)\)/)
    expect(await flagsOf(2)).toEqual(['\\Flagged'])
    const uidReply = await c.send('a2 UID STORE 3 (UNCHANGEDSINCE 1) FLAGS.SILENT ()')
    expect(uidReply).toContain('a2 OK [MODIFIED 3]')
  })
})

describe('refused', () => {
  test('EXAMINE: NO and nothing changes', async () => {
    const c = await selected('EXAMINE')
    expect(await c.send('a1 STORE 1 +FLAGS (\\Seen)')).toContain('a1 NO')
    expect(await flagsOf(1)).toEqual([])
  })

  test.each([
    'a1 STORE 1 +FLAGS (\\Bogus)',
    'a1 STORE 1 FLAGZ (\\Seen)',
    'a1 STORE 9 +FLAGS (\\Seen)',
    'a1 STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)',
    'a1 STORE 1 +FLAGS',
  ])('%s → BAD', async line => {
    const c = await selected()
    expect(await c.send(line)).toContain('a1 BAD')
  })
})
