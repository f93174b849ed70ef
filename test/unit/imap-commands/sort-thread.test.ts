// SORT / UID SORT (RFC 5256 §3, ESORT RFC 5267, SORT=DISPLAY RFC 5957), THREAD / UID THREAD
// (RFC 5256) and SEARCHRES (RFC 5182) over the memory transport against stored messages: the
// exact untagged responses, the capabilities, and the refusals.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from '../imap-session/support/imap-harness.ts'

const encoder = new TextEncoder()
const BOX = 'Threads'

interface Fields {
  subject: string
  from: string
  date: string
  id: string
  extra?: string
}

const message = (m: Fields, body = 'Hello.\r\n') =>
  encoder.encode(
    `From: ${m.from}\r\nTo: Ann <ann@example.test>\r\nSubject: ${m.subject}\r\nDate: ${m.date}\r\n` +
      `Message-ID: ${m.id}\r\n${m.extra ?? ''}\r\n${body}`,
  )

// UIDs 1..6 (the mailbox is fresh).
const MESSAGES: Fields[] = [
  { subject: 'Plans', from: 'Carol <carol@example.test>', date: 'Mon, 3 Mar 2025 09:00:00 +0000', id: '<p1@x>' },
  {
    subject: 'Re: Plans',
    from: 'bob@example.test',
    date: 'Mon, 3 Mar 2025 10:00:00 +0000',
    id: '<p2@x>',
    extra: 'In-Reply-To: <p1@x>\r\nReferences: <p1@x>\r\n',
  },
  {
    subject: '[team] Budget',
    from: 'Alice <alice@example.test>',
    date: 'Sun, 2 Mar 2025 09:00:00 +0000',
    id: '<b1@x>',
  },
  {
    subject: 'Re: Re: Plans',
    from: 'Carol <carol@example.test>',
    date: 'Mon, 3 Mar 2025 11:00:00 +0000',
    id: '<p3@x>',
    extra: 'References: <p1@x>\r\n <p2@x>\r\n',
  },
  { subject: 'Fwd: Budget', from: 'dave@example.test', date: 'Tue, 4 Mar 2025 09:00:00 +0000', id: '<b2@x>' },
  { subject: 'Zebra', from: 'Eve <eve@example.test>', date: 'bogus', id: '<z1@x>' },
]

let f: ImapFixture
let c: ImapTestClient
beforeAll(async () => {
  f = await imapFixture()
  await f.storage.mailboxes.create(f.annId, BOX)
  for (const [i, m] of MESSAGES.entries()) {
    await f.storage.messages.append({
      accountId: f.annId,
      mailbox: BOX,
      content: message(m, `${'x'.repeat(1000 * (6 - i))}\r\n`),
      // The Date of 6 does not parse: its internal date (the latest) is its sent date.
      internalDate: Date.UTC(2025, 2, 10 + i),
      flags: i % 2 === 0 ? ['\\Seen'] : [],
    })
  }
  c = await f.login()
  expect(await c.send(`s1 SELECT ${BOX}`)).toContain('s1 OK')
})
afterAll(() => f.cleanup())

async function ok(line: string): Promise<string[]> {
  const reply = lines(await c.send(line))
  expect(reply[reply.length - 1]).toStartWith(`${line.split(' ')[0]} OK`)
  return reply.slice(0, -1)
}

describe('capabilities', () => {
  test('advertised after login', async () => {
    const caps = (await ok('a1 CAPABILITY'))[0]?.split(' ') ?? []
    for (const cap of [
      'SORT',
      'SORT=DISPLAY',
      'ESORT',
      'THREAD=ORDEREDSUBJECT',
      'THREAD=REFERENCES',
      'SEARCHRES',
      'COMPRESS=DEFLATE',
    ]) {
      expect(caps).toContain(cap)
    }
  })
})

describe('SORT', () => {
  test.each([
    ['(SUBJECT) UTF-8 ALL', '* SORT 3 5 1 2 4 6'], // Budget ×2, Plans ×3 (date ties: number), Zebra
    ['(REVERSE DATE) UTF-8 ALL', '* SORT 6 5 4 2 1 3'],
    ['(ARRIVAL) US-ASCII ALL', '* SORT 1 2 3 4 5 6'],
    ['(SIZE) UTF-8 ALL', '* SORT 6 5 4 3 2 1'],
    ['(FROM DATE) UTF-8 ALL', '* SORT 3 2 1 4 5 6'], // alice, bob, carol (by date), dave, eve
    ['(DISPLAYFROM) UTF-8 ALL', '* SORT 3 2 1 4 5 6'], // Alice, bob@…, Carol ×2, dave@…, Eve
    ['(SUBJECT) UTF-8 SEEN', '* SORT 3 5 1'],
    ['(SUBJECT) UTF-8 SUBJECT nothing-matches', '* SORT'],
  ])('SORT %s', async (args, expected) => {
    expect(await ok(`a1 SORT ${args}`)).toEqual([expected])
  })

  test('UID SORT answers UIDs', async () => {
    // Plans ×3 (equal: mailbox order, REVERSE or not), then Budget.
    expect(await ok('a1 UID SORT (REVERSE SUBJECT) UTF-8 1:4')).toEqual(['* SORT 1 2 4 3'])
  })

  test('ESORT: RETURN options follow the sort order', async () => {
    expect(await ok('a1 SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL')).toEqual([
      '* ESEARCH (TAG "a1") MIN 3 MAX 6 COUNT 6 ALL 3,5,1:2,4,6',
    ])
    expect(await ok('a2 UID SORT RETURN (COUNT) (DATE) UTF-8 UNSEEN')).toEqual(['* ESEARCH (TAG "a2") UID COUNT 3'])
  })

  test('MODSEQ criterion appends the highest MODSEQ (RFC 7162 §3.1.5)', async () => {
    const [reply] = await ok('a1 SORT (DATE) UTF-8 MODSEQ 1')
    expect(reply).toMatch(/^\* SORT 3 1 2 4 5 6 \(MODSEQ \d+\)$/)
  })

  test.each([
    ['a1 SORT (DATE) KOI8-R ALL', 'a1 NO [BADCHARSET (US-ASCII UTF-8)]'],
    ['a1 SORT (BOGUS) UTF-8 ALL', 'a1 BAD'],
    ['a1 SORT DATE UTF-8 ALL', 'a1 BAD'],
    ['a1 SORT (DATE) ALL', 'a1 BAD'],
    ['a1 SORT () UTF-8 ALL', 'a1 BAD'],
    ['a1 SORT (REVERSE) UTF-8 ALL', 'a1 BAD'],
  ])('%s', async (line, expected) => {
    expect(await c.send(line)).toStartWith(expected)
  })
})

describe('THREAD', () => {
  test('REFERENCES', async () => {
    // Plans: 1 ← 2 ← 4 by references; Budget: 3 and the forward 5 merged by base subject.
    expect(await ok('a1 THREAD REFERENCES UTF-8 ALL')).toEqual(['* THREAD (3 5)(1 2 4)(6)'])
  })

  test('ORDEREDSUBJECT', async () => {
    expect(await ok('a1 THREAD ORDEREDSUBJECT UTF-8 ALL')).toEqual(['* THREAD (3 5)(1 (2)(4))(6)'])
  })

  test('UID THREAD over a search result', async () => {
    expect(await ok('a1 UID THREAD REFERENCES US-ASCII 2:6')).toEqual(['* THREAD (3 5)(2 4)(6)'])
    expect(await ok('a2 THREAD REFERENCES UTF-8 SUBJECT nothing')).toEqual(['* THREAD'])
  })

  test.each([
    ['a1 THREAD JWZ UTF-8 ALL', 'a1 BAD'],
    ['a1 THREAD REFERENCES KOI8-R ALL', 'a1 NO [BADCHARSET'],
    ['a1 THREAD REFERENCES UTF-8', 'a1 BAD'],
  ])('%s', async (line, expected) => {
    expect(await c.send(line)).toStartWith(expected)
  })
})

describe('SEARCHRES', () => {
  test('SAVE alone answers nothing; $ then names the saved messages', async () => {
    expect(await ok('a1 SEARCH RETURN (SAVE) SEEN')).toEqual([])
    expect(await ok('a2 FETCH $ (UID)')).toEqual(['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)', '* 5 FETCH (UID 5)'])
    expect(await ok('a3 UID SEARCH $ SUBJECT budget')).toEqual(['* SEARCH 3 5'])
    expect(await ok('a4 SEARCH NOT $')).toEqual(['* SEARCH 2 4 6'])
    expect(await ok('a5 UID FETCH $ (FLAGS)')).toHaveLength(3)
  })

  test('SAVE with MIN/MAX saves those only; with other options it answers ESEARCH too', async () => {
    expect(await ok('a1 SEARCH RETURN (SAVE MIN MAX) ALL')).toEqual(['* ESEARCH (TAG "a1") MIN 1 MAX 6'])
    expect(await ok('a2 SEARCH $')).toEqual(['* SEARCH 1 6'])
    expect(await ok('a3 UID SEARCH RETURN (SAVE COUNT) UNSEEN')).toEqual(['* ESEARCH (TAG "a3") UID COUNT 3'])
    expect(await ok('a4 SEARCH $')).toEqual(['* SEARCH 2 4 6'])
  })

  test('SORT RETURN (SAVE) saves the sorted result; MIN is the first in sort order', async () => {
    expect(await ok('a1 SORT RETURN (SAVE MIN) (REVERSE DATE) UTF-8 ALL')).toEqual(['* ESEARCH (TAG "a1") MIN 6'])
    expect(await ok('a2 SEARCH $')).toEqual(['* SEARCH 6'])
  })

  test('a failed SEARCH with SAVE empties $', async () => {
    await ok('a1 SEARCH RETURN (SAVE) ALL')
    expect(await c.send('a2 SEARCH RETURN (SAVE) CHARSET KOI8-R ALL')).toContain('a2 NO [BADCHARSET')
    expect(await ok('a3 SEARCH $')).toEqual(['* SEARCH'])
    expect(await ok('a4 FETCH $ FLAGS')).toEqual([])
  })

  test('$ is empty in a freshly selected mailbox, and expunged messages drop out of it', async () => {
    const other = await f.login()
    await other.send(`s1 SELECT ${BOX}`)
    expect(lines(await other.send('a1 SEARCH $'))).toEqual(['* SEARCH', 'a1 OK SEARCH completed'])
    expect(await other.send('a2 SEARCH RETURN (SAVE) 5:6')).toContain('a2 OK')
    await other.send('a3 STORE 6 +FLAGS.SILENT (\\Deleted)')
    await other.send('a4 EXPUNGE')
    expect(lines(await other.send('a5 UID SEARCH $'))).toEqual(['* SEARCH 5', 'a5 OK UID SEARCH completed'])
    await other.send('a6 LOGOUT')
    // The first session learns about the expunge and keeps working.
    expect(await c.send('a9 NOOP')).toContain('* 6 EXPUNGE')
  })
})
