// A compliance table run against the real server over implicit TLS: raw IMAP exchanges taken from
// RFC 3501/9051 examples and Dovecot imaptest-style checks (imaptest is not packaged in Debian, so
// this is our own table). Each row is a script of client lines and the exact response lines (or,
// where a value varies, a pattern) that must come back, up to and including the tagged result.
//
// Sessions are shared by rows in order within a describe block, like one imaptest connection;
// `other` is a second session on the same account, for changes made "by another client".
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'
import { RawImapClient } from './support/raw-imap-client.ts'

let s: ImapInteropServer
beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

type Expected = string | RegExp

/** Every line must match its expectation, in order, and nothing else may come. */
function expectLines(actual: string[], expected: readonly Expected[]): void {
  const mismatch = actual.length !== expected.length || actual.some((line, i) => !matches(line, expected[i]))
  if (mismatch) expect(actual).toEqual(expected.map(e => (typeof e === 'string' ? e : `≈ ${e.source}`)))
}

const matches = (line: string, e: Expected | undefined) =>
  e !== undefined && (typeof e === 'string' ? line === e : e.test(line))

async function session(): Promise<RawImapClient> {
  const c = await RawImapClient.connect(s.ports.imaps, { ca: s.ca })
  await c.nextLine()
  const reply = await c.command('L', `LOGIN "${ANN.email}" "${ANN.password}"`)
  expect(reply.at(-1)).toStartWith('L OK')
  return c
}

async function fill(mailbox: string, count: number): Promise<void> {
  const { storage } = s.server.deps
  await storage.mailboxes.create(s.accountId, mailbox)
  for (let i = 1; i <= count; i++) {
    await storage.messages.append({
      accountId: s.accountId,
      mailbox,
      content: new TextEncoder().encode(interopMessage(`${mailbox} ${i}`)),
    })
  }
}

/** A row: client input (one command line, or raw text with literals) and the expected responses. */
type Row = [input: string, expected: readonly Expected[]]

/** The row's first line, short, as the test name. */
const title = ([input]: Row) => (input.split('\r\n')[0] as string).slice(0, 90)

/** Send `input` and the CRLF that ends the command; check the response lines up to the tagged one. */
async function run(c: RawImapClient, [input, expected]: Row): Promise<void> {
  const tag = input.slice(0, input.indexOf(' '))
  c.write(`${input}\r\n`)
  expectLines(await c.until(line => line.startsWith(`${tag} `)), expected)
}

describe('before login (RFC 9051 §6.1-6.2)', () => {
  const rows: Row[] = [
    [
      'a001 CAPABILITY',
      [/^\* CAPABILITY IMAP4rev1 IMAP4rev2 .* AUTH=PLAIN AUTH=LOGIN$/, 'a001 OK CAPABILITY completed'],
    ],
    ['a002 NOOP', ['a002 OK NOOP completed']],
    ['a003 SELECT INBOX', ['a003 BAD SELECT is not allowed before login']],
    ['a004 LOGIN nobody@local.test wrong', ['a004 NO [AUTHENTICATIONFAILED] Authentication failed']],
    ['a005 AUTHENTICATE CRAM-MD5', ['a005 NO [CANNOT] Unsupported authentication mechanism CRAM-MD5']],
    ['a006 BOGUS', ['a006 BAD Unknown command BOGUS']],
    ['a007 UID BOGUS 1', [/^a007 BAD UID BOGUS is not a command/]],
    ['a008 COMPRESS DEFLATE', ['a008 BAD COMPRESS is not allowed before login']],
    ['a009 ENABLE CONDSTORE', ['a009 BAD ENABLE is not allowed before login']],
    // RFC 7888 / pre-login literal limit (16 KiB): a synchronising literal is refused before `+`...
    ['a010 LOGIN {20000}', ['a010 NO [TOOBIG] Literal of 20000 bytes exceeds the limit of 16384']],
    // ...a non-synchronising one is refused too, and its octets are skipped, not read as commands.
    [`a011 LOGIN {20000+}\r\n${'a012 LOGOUT\r\n'.repeat(1539).slice(0, 20000)}`, [/^a011 BAD \[TOOBIG\]/]],
    ['a013 NOOP', ['a013 OK NOOP completed']],
  ]
  let c: RawImapClient
  beforeAll(async () => {
    c = await RawImapClient.connect(s.ports.imaps, { ca: s.ca })
    expect(await c.nextLine()).toStartWith('* OK [CAPABILITY ')
  })
  afterAll(() => c?.close())
  for (const row of rows) test(title(row), () => run(c, row))

  test('untagged BAD for a line without a tag; LOGIN with synchronising literals (RFC 9051 §7.5)', async () => {
    c.write('\r\n* NOOP\r\n')
    expect(await c.nextLine()).toMatch(/^\* BAD /)
    c.write(`b1 LOGIN {${ANN.email.length}}\r\n`)
    expect(await c.nextLine()).toBe('+ Ready for literal data')
    c.write(`${ANN.email} {${ANN.password.length}}\r\n`)
    expect(await c.nextLine()).toBe('+ Ready for literal data')
    c.write(`${ANN.password}\r\n`)
    expect((await c.until(l => l.startsWith('b1 '))).at(-1)).toMatch(/^b1 OK \[CAPABILITY .*\] Logged in$/)
  })
})

describe('mailbox commands (RFC 9051 §6.3)', () => {
  const rows: Row[] = [
    ['m1 LIST "" ""', ['* LIST (\\Noselect) "/" ""', 'm1 OK LIST completed']],
    ['m2 CREATE INBOX', [/^m2 NO \[ALREADYEXISTS\]/]],
    ['m3 CREATE Compliance/Child', ['m3 OK CREATE completed']],
    [
      'm4 LIST "" "Compliance*"',
      [
        '* LIST (\\HasChildren) "/" "Compliance"',
        '* LIST (\\HasNoChildren) "/" "Compliance/Child"',
        'm4 OK LIST completed',
      ],
    ],
    ['m5 LIST "" "compliance/%"', ['m5 OK LIST completed']], // names other than INBOX are case-sensitive
    ['m6 SELECT Nowhere', [/^m6 NO \[NONEXISTENT\]/]],
    ['m7 FETCH 1 FLAGS', ['m7 BAD FETCH needs a selected mailbox (SELECT or EXAMINE first)']],
    [
      'm8 STATUS Compliance/Child (MESSAGES UIDNEXT UNSEEN)',
      ['* STATUS "Compliance/Child" (MESSAGES 0 UIDNEXT 1 UNSEEN 0)', 'm8 OK STATUS completed'],
    ],
    ['m9 RENAME Compliance/Child Compliance/Renamed', ['m9 OK RENAME completed']],
    ['m10 DELETE Compliance', [/^m10 NO \[CANNOT\]/]], // has inferiors
    ['m11 DELETE Compliance/Renamed', ['m11 OK DELETE completed']],
    [
      'm12 APPEND Compliance (\\Seen) "17-Jul-1996 02:44:25 -0700" {12+}\r\nSubject: x\r\n',
      [/^m12 OK \[APPENDUID \d+ 1\] APPEND completed$/],
    ],
    ['m13 APPEND Missing {1+}\r\nx', [/^m13 NO \[TRYCREATE\]/]],
    // APPENDLIMIT (RFC 7889): one octet over the advertised limit is refused before the `+`.
    ['m14 APPEND Compliance {52428801}', [/^m14 NO \[TOOBIG\]/]],
    ['m15 APPEND Compliance ({1+}\r\nx', [/^m15 BAD/]],
    [
      'm16 EXAMINE Compliance',
      [
        '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
        '* 1 EXISTS',
        /^\* \d RECENT$/,
        '* OK [PERMANENTFLAGS ()] No permanent flags permitted',
        /^\* OK \[UIDVALIDITY \d+\] UIDs valid$/,
        '* OK [UIDNEXT 2] Predicted next UID',
        /^\* OK \[HIGHESTMODSEQ \d+\] Highest$/,
        'm16 OK [READ-ONLY] EXAMINE completed',
      ],
    ],
    [
      'm17 FETCH 1 (INTERNALDATE FLAGS)',
      ['* 1 FETCH (INTERNALDATE "17-Jul-1996 09:44:25 +0000" FLAGS (\\Seen \\Recent))', 'm17 OK FETCH completed'],
    ],
    ['m18 STORE 1 +FLAGS (\\Flagged)', ['m18 NO [CANNOT] Mailbox is read-only (EXAMINE)']],
    ['m19 EXPUNGE', ['m19 NO [CANNOT] Mailbox is read-only (EXAMINE)']],
    ['m20 COPY 1 Nowhere', [/^m20 NO \[TRYCREATE\]/]],
    ['m21 SEARCH CHARSET KOI8-R ALL', ['m21 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R']],
    ['m22 CLOSE', ['m22 OK CLOSE completed']],
    ['m23 CLOSE', ['m23 BAD CLOSE needs a selected mailbox (SELECT or EXAMINE first)']],
  ]
  let c: RawImapClient
  beforeAll(async () => {
    c = await session()
  })
  afterAll(() => c?.close())
  for (const row of rows) test(title(row), () => run(c, row))
})

describe('sequence sets and UIDs (RFC 9051 §9 sequence-set, §6.4.9)', () => {
  const rows: Row[] = [
    [
      's1 SELECT Sequences',
      [
        /^\* FLAGS/,
        '* 5 EXISTS',
        '* 5 RECENT',
        /UNSEEN 1/,
        /PERMANENTFLAGS/,
        /UIDVALIDITY/,
        '* OK [UIDNEXT 6] Predicted next UID',
        /HIGHESTMODSEQ/,
        's1 OK [READ-WRITE] SELECT completed',
      ],
    ],
    ['s2 FETCH *:4 (UID)', ['* 4 FETCH (UID 4)', '* 5 FETCH (UID 5)', 's2 OK FETCH completed']],
    ['s3 FETCH 2:1,1,2 (UID)', ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', 's3 OK FETCH completed']],
    ['s4 FETCH 6 (UID)', ['s4 BAD Message sequence number out of range (mailbox has 5 messages)']],
    ['s5 FETCH 4294967295 (UID)', ['s5 BAD Message sequence number out of range (mailbox has 5 messages)']],
    ['s6 FETCH 4294967296 (UID)', [/^s6 BAD Invalid sequence set: .*4294967296 is larger than 4294967295/]],
    ['s7 FETCH 0 (UID)', [/^s7 BAD Invalid sequence set.*0 is not a valid number/]],
    ['s8 FETCH 1:2:3 (UID)', [/^s8 BAD Invalid sequence set/]],
    ['s9 FETCH , (UID)', [/^s9 BAD/]],
    ['s10 UID FETCH 4294967295 (FLAGS)', ['s10 OK UID FETCH completed']],
    ['s11 UID FETCH 999 (FLAGS)', ['s11 OK UID FETCH completed']],
    // "*" is the highest UID in use, so 999:* names the last message (RFC 9051 §6.4.9).
    ['s12 UID FETCH 999:* (FLAGS)', ['* 5 FETCH (UID 5 FLAGS (\\Recent))', 's12 OK UID FETCH completed']],
    ['s13 UID SEARCH UID 2:3,5:*', ['* SEARCH 2 3 5', 's13 OK UID SEARCH completed']],
    ['s14 SEARCH 4:*', ['* SEARCH 4 5', 's14 OK SEARCH completed']],
    [
      's15 FETCH 1 BODY[]<0.4>',
      ['* 1 FETCH (BODY[]<0> {4}\r\nFrom FLAGS (\\Seen \\Recent))', 's15 OK FETCH completed'],
    ],
    ['s16 FETCH 1 BODY[]<100000.4>', ['* 1 FETCH (BODY[]<100000> {0}\r\n)', 's16 OK FETCH completed']],
    ['s17 FETCH 1 BODY[7]', ['* 1 FETCH (BODY[7] NIL)', 's17 OK FETCH completed']],
    ['s18 FETCH 1 (BODY[]<0.0>)', [/^s18 BAD/]],
    ['s19 UID STORE 4294967295 +FLAGS (\\Seen)', ['s19 OK UID STORE completed']],
    ['s20 STORE 1:* FLAGS.SILENT (\\Seen)', ['s20 OK STORE completed']],
    ['s21 UID EXPUNGE 1:*', ['s21 OK UID EXPUNGE completed']], // nothing is \Deleted
  ]
  let c: RawImapClient
  beforeAll(async () => {
    await fill('Sequences', 5)
    c = await session()
  })
  afterAll(() => c?.close())
  for (const row of rows) test(title(row), () => run(c, row))
})

describe('changes by another session (imaptest-style)', () => {
  let c: RawImapClient
  let other: RawImapClient
  beforeAll(async () => {
    await fill('Shared', 4)
    c = await session()
    other = await session()
    expect((await c.command('x1', 'SELECT Shared')).at(-1)).toStartWith('x1 OK')
    expect((await other.command('y1', 'SELECT Shared')).at(-1)).toStartWith('y1 OK')
  })
  afterAll(() => {
    c?.close()
    other?.close()
  })

  test('FETCH by number after another session expunged: no EXPUNGE mid-FETCH, numbers unchanged', async () => {
    await run(other, ['y2 STORE 2 +FLAGS.SILENT (\\Deleted)', ['y2 OK STORE completed']])
    await run(other, ['y3 EXPUNGE', ['* 2 EXPUNGE', 'y3 OK EXPUNGE completed']])
    // RFC 9051 §7.5.1: EXPUNGE is not sent during FETCH by number; message 2 is simply gone.
    // Its \Deleted flag change is not reported either: the message is gone from storage.
    await run(c, [
      'x2 FETCH 1:4 (UID)',
      ['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)', '* 4 FETCH (UID 4)', 'x2 OK FETCH completed'],
    ])
  })

  test('STORE on the expunged message changes nothing; SEARCH still uses the old numbers', async () => {
    await run(c, ['x3 STORE 2 +FLAGS (\\Flagged)', ['x3 OK STORE completed']])
    await run(c, ['x4 SEARCH ALL', ['* SEARCH 1 3 4', 'x4 OK SEARCH completed']])
  })

  test('the EXPUNGE arrives with the next command that allows it, then numbers shift', async () => {
    await run(c, ['x5 NOOP', ['* 2 EXPUNGE', 'x5 OK NOOP completed']])
    await run(c, ['x6 FETCH 2 (UID)', ['* 2 FETCH (UID 3)', 'x6 OK FETCH completed']])
  })

  test('UID FETCH of the expunged UID answers nothing; UID commands may get EXPUNGE right away', async () => {
    await run(other, ['y4 UID STORE 4 +FLAGS.SILENT (\\Deleted)', ['y4 OK UID STORE completed']])
    await run(other, ['y5 UID EXPUNGE 4', ['* 3 EXPUNGE', 'y5 OK UID EXPUNGE completed']])
    await run(c, ['x7 UID FETCH 2,4 (FLAGS)', ['* 3 EXPUNGE', 'x7 OK UID FETCH completed']])
  })

  test('appends by another session: EXISTS at the next command', async () => {
    await s.server.deps.storage.messages.append({
      accountId: s.accountId,
      mailbox: 'Shared',
      content: new TextEncoder().encode(interopMessage('late')),
    })
    await run(c, ['x8 NOOP', ['* 3 EXISTS', /^\* \d RECENT$/, 'x8 OK NOOP completed']])
  })

  test('IDLE: anything but DONE is BAD; DONE in any case ends it', async () => {
    c.write('x9 IDLE\r\n')
    expect(await c.nextLine()).toBe('+ idling')
    c.write('NOOP\r\n')
    expect(await c.until(l => l.startsWith('x9 '))).toEqual(['x9 BAD Expected DONE to end IDLE'])
    c.write('x10 IDLE\r\n')
    expect(await c.nextLine()).toBe('+ idling')
    c.write('done\r\n')
    expect(await c.until(l => l.startsWith('x10 '))).toEqual(['x10 OK IDLE terminated'])
  })

  test('LOGOUT: BYE, OK, then the server closes', async () => {
    await run(other, ['y9 LOGOUT', ['* BYE Logging out', 'y9 OK LOGOUT completed']])
    for (let i = 0; i < 50 && !other.isClosed; i++) await Bun.sleep(10)
    expect(other.isClosed).toBe(true)
  })
})
