// APPEND: literals, flags and internal date, APPENDUID, MULTIAPPEND, TRYCREATE, TOOBIG, OVERQUOTA,
// EXISTS in a session that has the mailbox selected.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines, sampleMessage } from './support/imap-harness.ts'

let f: ImapFixture
let c: ImapTestClient
let uidValidity: number
let boxId: number
beforeAll(async () => {
  f = await imapFixture()
  const box = await f.storage.mailboxes.create(f.annId, 'Dest')
  uidValidity = box.uidValidity
  boxId = box.id
  c = await f.login()
})
afterAll(() => f.cleanup())

const size = (text: string) => Buffer.byteLength(text)

test('APPEND with flags and date: "+", then OK [APPENDUID], stored byte for byte', async () => {
  const message = sampleMessage('append one')
  expect(await c.send(`a1 APPEND Dest (\\Seen $Work) "17-Jul-1996 02:44:25 -0700" {${size(message)}}`)).toBe(
    '+ Ready for literal data\r\n',
  )
  expect(await c.send(message)).toBe(`a1 OK [APPENDUID ${uidValidity} 1] APPEND completed\r\n`)
  const record = await f.storage.messages.get(boxId, 1)
  expect(record?.flags).toEqual(['\\Seen'])
  expect(record?.keywords).toEqual(['$Work'])
  expect(record?.internalDate).toBe(Date.UTC(1996, 6, 17, 9, 44, 25))
  expect(new TextDecoder().decode((await f.storage.messages.readBytes(boxId, 1)) ?? new Uint8Array())).toBe(message)
})

test('LITERAL+ and MULTIAPPEND: one APPENDUID set for all', async () => {
  const one = sampleMessage('m1')
  const two = sampleMessage('m2')
  const reply = await c.feed(`a2 APPEND Dest {${size(one)}+}\r\n${one} (\\Flagged) {${size(two)}+}\r\n${two}\r\n`)
  expect(reply).toBe(`a2 OK [APPENDUID ${uidValidity} 2:3] APPEND completed\r\n`)
  expect((await f.storage.messages.get(boxId, 3))?.flags).toEqual(['\\Flagged'])
})

test('a session with the mailbox selected sees EXISTS before the OK', async () => {
  const other = await f.login()
  await other.send('o1 SELECT Dest')
  const message = sampleMessage('seen by other')
  await c.send('s1 SELECT Dest')
  const reply = lines(await c.feed(`a3 APPEND Dest {${size(message)}+}\r\n${message}\r\n`))
  expect(reply).toEqual(['* 4 EXISTS', '* 1 RECENT', `a3 OK [APPENDUID ${uidValidity} 4] APPEND completed`])
  expect(lines(await other.send('o2 NOOP'))).toEqual(['* 4 EXISTS', '* 3 RECENT', 'o2 OK NOOP completed'])
  await c.send('s2 UNSELECT')
})

test('a missing mailbox: NO [TRYCREATE]', async () => {
  const message = sampleMessage()
  expect(await c.feed(`a4 APPEND Missing {${size(message)}+}\r\n${message}\r\n`)).toMatch(/^a4 NO \[TRYCREATE\] /)
})

test('a literal above imap.maxLiteralSize: NO [TOOBIG] instead of "+"; the session goes on', async () => {
  expect(await c.send(`a5 APPEND Dest {${64 * 1024 + 1}}`)).toMatch(/^a5 NO \[TOOBIG\] /)
  expect(await c.send('a6 NOOP')).toBe('a6 OK NOOP completed\r\n')
})

test('over quota: NO [OVERQUOTA], and a MULTIAPPEND stores nothing', async () => {
  const before = (await f.storage.mailboxes.status(boxId)).messages
  const usage = await f.storage.accounts.usage(f.annId)
  const small = sampleMessage('fits')
  await f.storage.accounts.update(f.annId, { quotaBytes: usage.bytes + size(small) + 10 })
  const big = sampleMessage('too big', 'x'.repeat(2000))
  const reply = await c.feed(`a7 APPEND Dest {${size(small)}+}\r\n${small} {${size(big)}+}\r\n${big}\r\n`)
  expect(reply).toMatch(/^a7 NO \[OVERQUOTA\] /)
  expect((await f.storage.mailboxes.status(boxId)).messages).toBe(before)
  await f.storage.accounts.update(f.annId, { quotaBytes: null })
})

test.each([
  ['an empty message', 'a8 APPEND Dest {0+}\r\n\r\n', /^a8 NO \[CANNOT\] /],
  ['a bad keyword', 'a9 APPEND Dest (bad]kw) {1+}\r\nx\r\n', /^a9 BAD /],
  ['an unknown system flag', 'a10 APPEND Dest (\\Bogus) {1+}\r\nx\r\n', /^a10 BAD /],
  ['a bad date', 'a11 APPEND Dest "31-Feb-2024 00:00:00 +0000" {1+}\r\nx\r\n', /^a11 BAD /],
  ['no literal', 'a12 APPEND Dest "text"\r\n', /^a12 BAD /],
])('%s', async (_name, input, expected) => {
  expect(await c.feed(input)).toMatch(expected)
})
