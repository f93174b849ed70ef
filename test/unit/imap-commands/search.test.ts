// SEARCH / UID SEARCH over the memory transport: every kind of key against real stored messages,
// ESEARCH RETURN options, MODSEQ, CHARSET handling and malformed criteria.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sentDay } from '../../../src/imap/search/evaluate-search.ts'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from '../imap-session/support/imap-harness.ts'

const encoder = new TextEncoder()

function message(subject: string, from: string, date: string, body: string, extra = ''): Uint8Array {
  return encoder.encode(
    `From: ${from}\r\nTo: Ann <ann@example.test>\r\nSubject: ${subject}\r\nDate: ${date}\r\n${extra}\r\n${body}`,
  )
}

const BASE64_BODY = 'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="x"\r\n'

let f: ImapFixture
let box: string
let c: ImapTestClient
beforeAll(async () => {
  f = await imapFixture()
  box = 'Searching'
  await f.storage.mailboxes.create(f.annId, box)
  const add = (
    content: Uint8Array,
    options: { flags?: Array<'\\Seen' | '\\Flagged'>; keywords?: string[]; at: number },
  ) =>
    f.storage.messages.append({
      accountId: f.annId,
      mailbox: box,
      content,
      flags: options.flags ?? [],
      keywords: options.keywords ?? [],
      internalDate: options.at,
    })
  // 1: plain, seen, March 2025
  await add(
    message('Quarterly report', 'Bob <bob@example.test>', 'Mon, 3 Mar 2025 09:00:00 +0000', 'Numbers are UP.\r\n'),
    {
      flags: ['\\Seen'],
      at: Date.UTC(2025, 2, 3, 9),
    },
  )
  // 2: encoded subject, flagged with a keyword, April 2025, sent date written in another zone
  await add(
    message('=?UTF-8?Q?Caf=C3=A9_menu?=', 'Carol <carol@example.test>', 'Tue, 1 Apr 2025 23:30:00 -0500', 'Lunch?\r\n'),
    { flags: ['\\Flagged'], keywords: ['$Work'], at: Date.UTC(2025, 3, 2, 4, 30) },
  )
  // 3: multipart with a base64 text part, May 2025, large
  const body =
    '--x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
    `${Buffer.from('Secret pineapple recipe\r\n').toString('base64')}\r\n--x--\r\n${'z'.repeat(2000)}`
  await add(message('Recipes', 'Bob <bob@example.test>', 'Thu, 1 May 2025 08:00:00 +0000', body, BASE64_BODY), {
    at: Date.UTC(2025, 4, 1, 8),
  })
  c = await f.login()
  expect(await c.send(`s1 EXAMINE ${box}`)).toContain('s1 OK')
})
afterAll(() => f.cleanup())

const search = async (criteria: string, uid = false) => {
  const reply = await c.send(`a1 ${uid ? 'UID ' : ''}SEARCH ${criteria}`)
  expect(reply).toContain('a1 OK')
  return lines(reply)[0]
}

describe('keys', () => {
  test.each([
    ['ALL', '* SEARCH 1 2 3'],
    ['SEEN', '* SEARCH 1'],
    ['UNSEEN', '* SEARCH 2 3'],
    ['FLAGGED', '* SEARCH 2'],
    ['KEYWORD $work', '* SEARCH 2'],
    ['UNKEYWORD $Work', '* SEARCH 1 3'],
    ['RECENT', '* SEARCH 1 2 3'],
    ['OLD', '* SEARCH'],
    ['NEW', '* SEARCH 2 3'],
    ['LARGER 1000', '* SEARCH 3'],
    ['SMALLER 1000', '* SEARCH 1 2'],
    ['FROM bob', '* SEARCH 1 3'],
    ['FROM "CAROL@EXAMPLE"', '* SEARCH 2'],
    ['TO ann', '* SEARCH 1 2 3'],
    ['SUBJECT {5+}\r\ncafé', '* SEARCH 2'],
    ['SUBJECT report', '* SEARCH 1'],
    ['HEADER Date 2025', '* SEARCH 1 2 3'],
    ['HEADER X-Missing ""', '* SEARCH'],
    ['BODY pineapple', '* SEARCH 3'],
    ['BODY "numbers are up"', '* SEARCH 1'],
    ['TEXT lunch', '* SEARCH 2'],
    ['TEXT recipes', '* SEARCH 3'],
    ['BEFORE 2-Apr-2025', '* SEARCH 1'],
    ['ON 2-Apr-2025', '* SEARCH 2'],
    ['SINCE 2-Apr-2025', '* SEARCH 2 3'],
    ['SENTON 1-Apr-2025', '* SEARCH 2'],
    ['SENTBEFORE 1-Apr-2025', '* SEARCH 1'],
    ['SENTSINCE 1-May-2025', '* SEARCH 3'],
    ['2:*', '* SEARCH 2 3'],
    ['UID 1,3', '* SEARCH 1 3'],
    ['NOT SEEN FLAGGED', '* SEARCH 2'],
    ['OR SEEN FLAGGED', '* SEARCH 1 2'],
    ['(OR SEEN FLAGGED) NOT FROM carol', '* SEARCH 1'],
    ['CHARSET UTF-8 SUBJECT {5+}\r\ncafé', '* SEARCH 2'],
    // A number above EXISTS matches nothing rather than failing the SEARCH.
    ['9', '* SEARCH'],
    ['CHARSET US-ASCII FROM bob', '* SEARCH 1 3'],
  ])('SEARCH %s', async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected)
  })

  test('UID SEARCH answers UIDs', async () => {
    expect(await search('UNSEEN', true)).toBe('* SEARCH 2 3')
  })

  test('MODSEQ answers the highest MODSEQ of the matches', async () => {
    expect(await search('MODSEQ 1')).toMatch(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)$/)
    expect(await search('MODSEQ 999999')).toBe('* SEARCH')
  })
})

describe('ESEARCH', () => {
  test.each([
    ['RETURN (MIN MAX COUNT) UNSEEN', '* ESEARCH (TAG "a1") MIN 2 MAX 3 COUNT 2'],
    ['RETURN () ALL', '* ESEARCH (TAG "a1") ALL 1:3'],
    ['RETURN (COUNT ALL) DELETED', '* ESEARCH (TAG "a1") COUNT 0'],
  ])('SEARCH %s', async (criteria, expected) => {
    expect(await search(criteria)).toBe(expected)
  })

  test('under IMAP4rev2 a plain SEARCH answers ESEARCH (RFC 9051 §6.4.4)', async () => {
    const rev2 = await f.login()
    expect(await rev2.send('e1 ENABLE IMAP4rev2')).toContain('e1 OK')
    await rev2.send(`s1 EXAMINE ${box}`)
    expect(lines(await rev2.send('a1 UID SEARCH FROM bob'))[0]).toBe('* ESEARCH (TAG "a1") UID ALL 1,3')
  })

  test('UID SEARCH RETURN marks the UID form', async () => {
    expect(await search('RETURN (ALL) FROM bob', true)).toBe('* ESEARCH (TAG "a1") UID ALL 1,3')
  })
})

describe('refused', () => {
  test('an unknown charset is NO [BADCHARSET]', async () => {
    expect(await c.send('a1 SEARCH CHARSET KOI8-R ALL')).toContain('a1 NO [BADCHARSET (US-ASCII UTF-8)]')
  })

  test.each(['a1 SEARCH', 'a1 SEARCH BOGUS', 'a1 SEARCH SINCE 31-Feb-2025', 'a1 SEARCH OR SEEN'])(
    '%s → BAD',
    async line => {
      expect(await c.send(line)).toContain('a1 BAD')
    },
  )
})

describe('sentDay', () => {
  test.each([
    ['Tue, 1 Apr 2025 23:30:00 -0500', { year: 2025, month: 4, day: 1 }],
    ['1 Apr 25 10:00 GMT', { year: 2025, month: 4, day: 1 }],
    ['Mon, 31 Dec 99 10:00:00 +0000', { year: 1999, month: 12, day: 31 }],
    ['2025-04-01T10:00:00Z', { year: 2025, month: 4, day: 1 }],
    ['garbage', null],
  ])('%s', (value, expected) => {
    expect(sentDay(value)).toEqual(expected)
  })
})
