// COPY / MOVE and their UID forms: COPYUID (RFC 4315), MOVE's untagged COPYUID before the
// expunges (RFC 6851 §4.3), VANISHED under QRESYNC, TRYCREATE for a missing target.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from '../imap-session/support/imap-harness.ts'

let f: ImapFixture
let box: string
let boxId: number
let targetId: number
let target: string
let targetValidity: number
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Src${++n}`
  target = `Dst${n}`
  boxId = (await f.storage.mailboxes.create(f.annId, box)).id
  const created = await f.storage.mailboxes.create(f.annId, target)
  targetId = created.id
  targetValidity = created.uidValidity
  for (let i = 0; i < 4; i++) await f.deliver(box)
  await f.deliver(target)
})

async function selected(command = 'SELECT', enable?: string): Promise<ImapTestClient> {
  const c = await f.login()
  if (enable !== undefined) expect(await c.send(`e1 ENABLE ${enable}`)).toContain('e1 OK')
  expect(await c.send(`s1 ${command} ${box}`)).toContain('s1 OK')
  return c
}

describe('COPY', () => {
  test('COPY answers COPYUID and keeps the source', async () => {
    const c = await selected('EXAMINE')
    const reply = await c.send(`a1 COPY 2:3 ${target}`)
    expect(lines(reply)).toEqual([`a1 OK [COPYUID ${targetValidity} 2:3 2:3] COPY completed`])
    expect(await f.storage.messages.uids(targetId)).toEqual([1, 2, 3])
    expect(await f.storage.messages.uids(boxId)).toEqual([1, 2, 3, 4])
  })

  test('UID COPY of UIDs that do not exist is OK without COPYUID', async () => {
    const c = await selected()
    expect(lines(await c.send(`a1 UID COPY 50:60 ${target}`))).toEqual(['a1 OK UID COPY completed'])
  })

  test('a missing target is NO [TRYCREATE]', async () => {
    const c = await selected()
    expect(await c.send('a1 COPY 1 Nowhere')).toContain('a1 NO [TRYCREATE]')
    expect(await c.send('a2 MOVE 1 Nowhere')).toContain('a2 NO [TRYCREATE]')
  })

  test('a sequence number out of range is BAD', async () => {
    const c = await selected()
    expect(await c.send(`a1 COPY 7 ${target}`)).toContain('a1 BAD')
  })
})

describe('MOVE', () => {
  test('untagged COPYUID, then EXPUNGEs, then the tagged OK', async () => {
    const c = await selected()
    const reply = await c.send(`a1 MOVE 2,4 ${target}`)
    expect(lines(reply)).toEqual([
      `* OK [COPYUID ${targetValidity} 2,4 2:3] Moved`,
      '* 2 EXPUNGE',
      '* 3 EXPUNGE',
      'a1 OK MOVE completed',
    ])
    expect(await f.storage.messages.uids(boxId)).toEqual([1, 3])
    expect(Array.from(c.session.selected?.allUids ?? [])).toEqual([1, 3])
  })

  test('UID MOVE with QRESYNC reports VANISHED', async () => {
    const c = await selected('SELECT', 'QRESYNC')
    const reply = await c.send(`a1 UID MOVE 1:2 ${target}`)
    expect(lines(reply)).toEqual([
      `* OK [COPYUID ${targetValidity} 1:2 2:3] Moved`,
      '* VANISHED 1:2',
      'a1 OK UID MOVE completed',
    ])
  })

  test('MOVE in a read-only mailbox is NO', async () => {
    const c = await selected('EXAMINE')
    expect(await c.send(`a1 MOVE 1 ${target}`)).toContain('a1 NO')
    expect(await f.storage.messages.uids(boxId)).toEqual([1, 2, 3, 4])
  })
})
