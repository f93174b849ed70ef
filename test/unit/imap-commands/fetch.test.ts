// FETCH / UID FETCH over the memory transport against real storage: every data item, sections
// and partials byte-exact, \Seen on non-PEEK body fetches, CHANGEDSINCE/VANISHED, the cached
// analysis, and malformed requests.
import { unlinkSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { cachedEnvelopeText, decodeAnalysis } from '../../../src/imap/message/index.ts'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from '../imap-session/support/imap-harness.ts'

const encoder = new TextEncoder()

const MULTIPART =
  'From: Bob <bob@example.test>\r\n' +
  'To: Ann <ann@example.test>\r\n' +
  'Subject: =?UTF-8?Q?Caf=C3=A9?= report\r\n' +
  'Date: Tue, 1 Apr 2025 10:00:00 +0000\r\n' +
  'Message-ID: <multi@example.test>\r\n' +
  'MIME-Version: 1.0\r\n' +
  'Content-Type: multipart/mixed; boundary="b1"\r\n' +
  '\r\n' +
  'preamble\r\n' +
  '--b1\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  '\r\n' +
  'Hello world, first part.\r\n' +
  '--b1\r\n' +
  'Content-Type: application/octet-stream\r\n' +
  'Content-Transfer-Encoding: base64\r\n' +
  '\r\n' +
  'AAECAw==\r\n' +
  '--b1\r\n' +
  'Content-Type: text/plain\r\n' +
  'Content-Transfer-Encoding: x-unknown\r\n' +
  '\r\n' +
  'strange\r\n' +
  '--b1--\r\n'

let f: ImapFixture
let box: string
let boxId: number
let n = 0
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())
beforeEach(async () => {
  box = `Fetch${++n}`
  boxId = (await f.storage.mailboxes.create(f.annId, box)).id
  await f.deliver(box)
  await f.storage.messages.append({
    accountId: f.annId,
    mailbox: box,
    content: encoder.encode(MULTIPART),
    internalDate: Date.UTC(2025, 3, 2, 12, 30, 5),
  })
  await f.deliver(box, { flags: ['\\Seen'] })
})

async function selected(command = 'SELECT', enable?: string): Promise<ImapTestClient> {
  const c = await f.login()
  // RFC 5161 §3.1: ENABLE only before SELECT.
  if (enable !== undefined) expect(await c.send(`e1 ENABLE ${enable}`)).toContain('e1 OK')
  const reply = await c.send(`s1 ${command} ${box}`)
  expect(reply).toContain('s1 OK')
  return c
}

describe('items', () => {
  test('FLAGS, UID, INTERNALDATE, RFC822.SIZE are exact', async () => {
    const c = await selected()
    const reply = await c.send('a1 FETCH 2 (FLAGS UID INTERNALDATE RFC822.SIZE)')
    expect(lines(reply)).toEqual([
      `* 2 FETCH (FLAGS (\\Recent) UID 2 INTERNALDATE " 2-Apr-2025 12:30:05 +0000" RFC822.SIZE ${encoder.encode(MULTIPART).length})`,
      'a1 OK FETCH completed',
    ])
  })

  test('BODY[] is byte-identical to the stored message and does not need PEEK to be exact', async () => {
    const c = await selected()
    const stored = await f.storage.messages.readBytes(boxId, 2)
    const reply = await c.send('a1 FETCH 2 BODY.PEEK[]')
    const size = stored?.length ?? -1
    expect(reply).toContain(`* 2 FETCH (BODY[] {${size}}\r\n${MULTIPART})\r\n`)
    expect(new TextDecoder().decode(stored ?? new Uint8Array())).toBe(MULTIPART)
  })

  test.each([
    ['BODY.PEEK[1]', 'BODY[1]', 'Hello world, first part.'],
    ['BODY.PEEK[2]', 'BODY[2]', 'AAECAw=='],
    ['BODY.PEEK[1.MIME]', 'BODY[1.MIME]', 'Content-Type: text/plain; charset=utf-8\r\n\r\n'],
    [
      'BODY.PEEK[HEADER.FIELDS (Subject)]',
      'BODY[HEADER.FIELDS (Subject)]',
      'Subject: =?UTF-8?Q?Caf=C3=A9?= report\r\n\r\n',
    ],
    ['BODY.PEEK[]<0.4>', 'BODY[]<0>', 'From'],
    ['BODY.PEEK[1]<6.5>', 'BODY[1]<6>', 'world'],
    ['BODY.PEEK[]<99999.4>', 'BODY[]<99999>', ''],
  ])('%s', async (request, name, expected) => {
    const c = await selected()
    const reply = await c.send(`a1 FETCH 2 (${request})`)
    const bytes = encoder.encode(expected)
    expect(reply).toContain(`${name} {${bytes.length}}\r\n${expected})`)
    expect(reply).toContain('a1 OK')
  })

  test('a part that does not exist is NIL', async () => {
    const c = await selected()
    expect(await c.send('a1 FETCH 2 BODY.PEEK[9]')).toContain('* 2 FETCH (BODY[9] NIL)')
  })

  test('RFC822.HEADER and RFC822.TEXT of a simple message', async () => {
    const c = await selected('EXAMINE')
    const stored = new TextDecoder().decode((await f.storage.messages.readBytes(boxId, 1)) ?? new Uint8Array())
    const split = stored.indexOf('\r\n\r\n') + 4
    const reply = await c.send('a1 FETCH 1 (RFC822.HEADER RFC822.TEXT)')
    expect(reply).toContain(`RFC822.HEADER {${split}}\r\n${stored.slice(0, split)}`)
    expect(reply).toContain(`RFC822.TEXT {${stored.length - split}}\r\n${stored.slice(split)})`)
  })

  test('BINARY decodes base64, BINARY.SIZE reports the decoded size, unknown encodings fail', async () => {
    const c = await selected()
    const reply = await c.send('a1 FETCH 2 (BINARY.PEEK[2] BINARY.SIZE[2])')
    expect(reply).toContain('BINARY[2] ~{4}\r\n\x00\x01\x02\x03 BINARY.SIZE[2] 4)')
    const bad = await c.send('a2 FETCH 2 BINARY.PEEK[3]')
    expect(bad).toContain('a2 NO [UNKNOWN-CTE]')
  })

  test('ENVELOPE, BODY and BODYSTRUCTURE; the analysis is cached afterwards', async () => {
    const c = await selected()
    const reply = await c.send('a1 FETCH 2 (ENVELOPE BODYSTRUCTURE BODY)')
    expect(reply).toContain('ENVELOPE ("Tue, 1 Apr 2025 10:00:00 +0000" ')
    expect(reply).toContain('(("Bob" NIL "bob" "example.test"))')
    expect(reply).toContain('BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 24 0 NIL NIL NIL NIL)')
    expect(reply).toContain('"mixed" ("boundary" "b1")')
    expect(reply).toContain('BODY (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 24 0)(')
    expect(reply).toContain('a1 OK')
    const record = await f.storage.messages.get(boxId, 2)
    expect(decodeAnalysis(record?.bodyStructureJson)?.size).toBe(encoder.encode(MULTIPART).length)
  })

  test('ENVELOPE alone comes from the cached text, the same as when it was formatted', async () => {
    const c = await selected()
    // First FETCH: no analysis yet; the message is analysed and the cache written.
    const first = await c.send('a1 FETCH 1:3 (UID FLAGS ENVELOPE)')
    const column = (await f.storage.messages.get(boxId, 2))?.bodyStructureJson
    expect(cachedEnvelopeText(column)).toStartWith('("Tue, 1 Apr 2025 10:00:00 +0000" "=?UTF-8?Q?Caf=C3=A9?= report"')
    const again = await c.send('a2 FETCH 1:3 (UID FLAGS ENVELOPE)')
    expect(again.replace('a2 OK', 'a1 OK')).toBe(first)
    // The same text as the analysis formats, and what ALL (which needs more) sends.
    const all = await c.send('a3 FETCH 2 ALL')
    expect(all).toContain(`ENVELOPE ${cachedEnvelopeText(column)}`)
  })

  test('an 8-bit header is not cached as text: ENVELOPE follows UTF8=ACCEPT', async () => {
    const raw8 =
      'From: Zoë <zoe@example.test>\r\nSubject: Grüße\r\nDate: Tue, 1 Apr 2025 10:00:00 +0000\r\n\r\nbody\r\n'
    await f.storage.messages.append({ accountId: f.annId, mailbox: box, content: encoder.encode(raw8) })
    const plain = await selected('EXAMINE')
    const asLiteral = await plain.send('a1 FETCH 4 ENVELOPE')
    expect(asLiteral).toContain('{7}\r\nGrüße')
    expect(cachedEnvelopeText((await f.storage.messages.get(boxId, 4))?.bodyStructureJson)).toBeNull()
    expect(await plain.send('a2 FETCH 4 ENVELOPE')).toBe(asLiteral.replace('a1 OK', 'a2 OK'))
    const utf8 = await selected('EXAMINE', 'UTF8=ACCEPT')
    expect(await utf8.send('a1 FETCH 4 ENVELOPE')).toContain('"Grüße"')
  })

  test('macros: FAST and ALL', async () => {
    const c = await selected('EXAMINE')
    const fast = await c.send('a1 FETCH 3 FAST')
    expect(fast).toMatch(/\* 3 FETCH \(FLAGS \(\\Seen \\Recent\) INTERNALDATE "[^"]+" RFC822\.SIZE \d+\)/)
    const all = await c.send('a2 FETCH 3 ALL')
    expect(all).toContain('ENVELOPE (')
  })

  test('UID FETCH always carries UID and skips UIDs that do not exist', async () => {
    const c = await selected()
    const reply = await c.send('a1 UID FETCH 2:9 FLAGS')
    expect(lines(reply)).toEqual([
      '* 2 FETCH (UID 2 FLAGS (\\Recent))',
      '* 3 FETCH (UID 3 FLAGS (\\Seen \\Recent))',
      'a1 OK UID FETCH completed',
    ])
  })
})

describe('\\Seen', () => {
  test('BODY[] sets \\Seen and reports FLAGS; BODY.PEEK does not', async () => {
    const c = await selected()
    const peek = await c.send('a1 FETCH 1 BODY.PEEK[HEADER]')
    expect(peek).not.toContain('FLAGS')
    const read = await c.send('a2 FETCH 1 BODY[TEXT]')
    expect(read).toMatch(/BODY\[TEXT\] \{\d+\}\r\nHi there\.\r\n FLAGS \(\\Seen \\Recent\)\)/)
    expect((await f.storage.messages.get(boxId, 1))?.flags).toContain('\\Seen')
    // Reported once: the NOOP after it has nothing to say about message 1.
    expect(lines(await c.send('a3 NOOP'))).toEqual(['a3 OK NOOP completed'])
  })

  test('RFC822 sets \\Seen; in EXAMINE nothing changes', async () => {
    const ro = await selected('EXAMINE')
    await ro.send('a1 FETCH 1 RFC822')
    expect((await f.storage.messages.get(boxId, 1))?.flags).not.toContain('\\Seen')
    const rw = await selected()
    const reply = await rw.send('a2 FETCH 1 RFC822')
    expect(reply).toContain('FLAGS (\\Seen')
    expect((await f.storage.messages.get(boxId, 1))?.flags).toContain('\\Seen')
  })

  test('with CONDSTORE on, the implied FLAGS carries MODSEQ', async () => {
    const c = await selected('SELECT', 'CONDSTORE')
    const reply = await c.send('a1 FETCH 1 BINARY[1]')
    expect(reply).toMatch(/FLAGS \(\\Seen \\Recent\) MODSEQ \(\d+\)\)/)
  })
})

describe('CONDSTORE / QRESYNC', () => {
  test('MODSEQ item and CHANGEDSINCE', async () => {
    const c = await selected()
    const before = (await f.storage.messages.get(boxId, 3))?.modseq ?? 0
    await f.storage.messages.setFlags(boxId, [{ from: 1, to: 1 }], { mode: 'add', flags: ['\\Flagged'] })
    await c.send('a0 NOOP')
    const reply = await c.send(`a1 FETCH 1:* (FLAGS) (CHANGEDSINCE ${before})`)
    expect(reply).toMatch(/^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)\r\na1 OK/)
  })

  test('UID FETCH VANISHED reports expunged UIDs first; needs QRESYNC', async () => {
    const plain = await selected()
    const bad = await plain.send('a0 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)')
    expect(bad).toContain('a0 BAD')
    const c = await selected('SELECT', 'QRESYNC')
    const modseq = (await f.storage.messages.get(boxId, 3))?.modseq ?? 0
    await f.storage.messages.setFlags(boxId, [{ from: 2, to: 2 }], { mode: 'add', flags: ['\\Deleted'] })
    await f.storage.messages.expunge(boxId)
    const reply = await c.send(`a1 UID FETCH 1:* FLAGS (CHANGEDSINCE ${modseq} VANISHED)`)
    expect(lines(reply)[0]).toBe('* VANISHED (EARLIER) 2')
  })
})

describe('missing message file', () => {
  test('index items still answer; content items fail with NO [SERVERBUG]', async () => {
    const c = await selected()
    const opened = await f.storage.messages.open(boxId, 1)
    unlinkSync(opened?.path ?? '')
    expect(await c.send('a1 FETCH 1 (FLAGS RFC822.SIZE)')).toMatch(
      /\* 1 FETCH \(FLAGS \(\\Recent\) RFC822\.SIZE \d+\)\r\na1 OK/,
    )
    const reply = await c.send('a2 FETCH 1:2 BODY.PEEK[HEADER]')
    expect(reply).toContain('* 2 FETCH (BODY[HEADER]')
    expect(reply).not.toContain('* 1 FETCH')
    expect(reply).toContain('a2 NO [SERVERBUG]')
  })
})

describe('malformed and refused', () => {
  test.each([
    ['a1 FETCH 9 FLAGS', 'a1 BAD'],
    ['a1 FETCH 1 (FLAGS BOGUS)', 'a1 BAD'],
    ['a1 FETCH 1 BODY[1.BOGUS]', 'a1 BAD'],
    ['a1 FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)', 'a1 BAD'],
  ])('%s', async (line, expected) => {
    const c = await selected()
    expect(await c.send(line)).toContain(expected)
  })

  test('FETCH outside the selected state is refused', async () => {
    const c = await f.login()
    expect(await c.send('a1 FETCH 1 FLAGS')).toContain('a1 BAD')
  })
})
