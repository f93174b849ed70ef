// parseEnvelope splits the header itself (header-lines.ts) instead of running a full postal-mime
// parse. The stored envelope must be exactly what the full parse produced, for well-formed and
// malformed headers alike: the reference below is the previous implementation.
import { describe, expect, test } from 'bun:test'
import PostalMime from 'postal-mime'
import { headerLines } from '../../../src/storage/envelope/header-lines.ts'
import { headerBlock, parseEnvelope, type StoredEnvelope } from '../../../src/storage/envelope/parse-envelope.ts'

async function referenceEnvelope(message: Uint8Array): Promise<StoredEnvelope> {
  const email = await PostalMime.parse(headerBlock(message))
  const raw = (key: string) => {
    const value = email.headers.find(h => h.key === key)?.value
    return value === undefined ? null : value.replace(/\r?\n[ \t]+/g, ' ').trim()
  }
  const toEntry = (value: unknown): StoredEnvelope['from'] => {
    if (!value || typeof value !== 'object') return []
    const v = value as { name?: unknown; address?: unknown; group?: unknown }
    const name = typeof v.name === 'string' ? v.name : ''
    if (Array.isArray(v.group))
      return [
        { name, group: v.group.flatMap(toEntry).filter(e => 'address' in e) as { name: string; address: string }[] },
      ]
    return typeof v.address === 'string' ? [{ name, address: v.address }] : []
  }
  const list = (value: unknown) => (value ? (Array.isArray(value) ? value : [value]).flatMap(toEntry) : [])
  return {
    v: 1,
    date: raw('date'),
    subject: raw('subject'),
    subjectText: email.subject ?? null,
    from: list(email.from),
    sender: list(email.sender),
    replyTo: list(email.replyTo),
    to: list(email.to),
    cc: list(email.cc),
    bcc: list(email.bcc),
    inReplyTo: email.inReplyTo ?? null,
    messageId: email.messageId ?? null,
  }
}

const cases: Array<[string, string]> = [
  [
    'plain',
    'From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: Hello\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n',
  ],
  ['LF line ends', 'From: a@b.c\nTo: d@e.f\nSubject: x\n\nbody'],
  ['folded subject', 'Subject: Hello\r\n    World\r\n\tagain\r\nFrom: a@b.c\r\n\r\n'],
  [
    'encoded words',
    'Subject: =?UTF-8?B?SGVsbG8gd8O2cmxk?= =?ISO-8859-1?Q?caf=E9?=\r\nFrom: =?UTF-8?Q?J=C3=B6rg?= <j@x.de>\r\n\r\n',
  ],
  ['groups', 'To: undisclosed-recipients:;\r\nCc: Team: a@x.org, "B, C" <b@x.org>;, d@x.org\r\n\r\n'],
  ['several To fields', 'To: a@x.org\r\nTo: b@x.org, c@x.org\r\nCc: \r\nCc: d@x.org\r\n\r\n'],
  [
    'several From addresses',
    'From: a@x.org, b@x.org\r\nSender: s@x.org, t@x.org\r\nReply-To: r@x.org, q@x.org\r\n\r\n',
  ],
  ['empty values', 'From:\r\nSubject:\r\nDate:\r\nMessage-ID:\r\n\r\n'],
  ['no header at all', '\r\nbody only\r\n'],
  ['no blank line', 'From: a@b.c\r\nSubject: unterminated'],
  ['line without colon', 'garbage line\r\nFrom: a@b.c\r\n\r\n'],
  ['space before colon', 'From : a@b.c\r\nSubject\t: tabbed\r\n\r\n'],
  ['leading continuation', ' leading fold\r\nFrom: a@b.c\r\n\r\n'],
  ['bare CR inside value', 'Subject: one\rtwo\r\nFrom: a@b.c\r\n\r\n'],
  ['CR CR LF line end', 'Subject: x\r\r\nFrom: a@b.c\r\n\r\n'],
  ['utf-8 header (RFC 6532)', 'From: Jörg <jörg@bücher.de>\r\nSubject: Grüße\r\n\r\n'],
  ['invalid utf-8', 'Subject: caf\xe9 \xff\r\nFrom: a@b.c\r\n\r\n'],
  ['comments and quoted', 'From: "Last, First" (comment) <first.last@x.org>\r\nTo: <@route:a@x.org>\r\n\r\n'],
  ['in-reply-to folded', 'In-Reply-To:\r\n <a@x>\r\n <b@y>\r\nMessage-ID: <m@x>\r\n\r\n'],
  ['duplicate subject', 'Subject: first\r\nSubject: second\r\n\r\n'],
  ['header only with trailing spaces', 'Subject:   padded   \r\nDate:  Tue, 1 Jan 2030 00:00:00 +0000 \r\n\r\n'],
  ['broken address', 'From: <unterminated@x\r\nTo: ,,, ;\r\n\r\n'],
  ['nbsp is not folding', 'Subject: a\r\n\u00a0b: c\r\n\r\n'],
  // The forms parse-envelope reads without postal-mime's address parser, and near misses.
  ['plain addr-spec', 'From: a.b-c+d@sub.example.org\r\nTo: x_y@z.example\r\n\r\n'],
  ['angle addr only', 'From: <sender@bench.client>\r\nTo: <bench@bench.test>\r\n\r\n'],
  ['plain display name', 'From: Alice Smith <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n\r\n'],
  ['name with dot', 'From: J. Smith <j@example.org>\r\n\r\n'],
  ['name with two spaces', 'From: Alice  Smith <alice@example.org>\r\n\r\n'],
  ['encoded-word name', 'From: =?UTF-8?Q?Al=C3=AFce?= <alice@example.org>\r\n\r\n'],
  ['quoted local part', 'From: "a b"@example.org\r\nTo: "x"@y.org\r\n\r\n'],
  ['address literal', 'From: user@[192.0.2.1]\r\n\r\n'],
  ['trailing dot domain', 'From: user@example.org.\r\nTo: .user@example.org\r\n\r\n'],
  ['no domain', 'From: <user>\r\nTo: user\r\n\r\n'],
  ['two angle addresses', 'To: <a@x.org> <b@x.org>\r\n\r\n'],
  ['upper case kept', 'From: Alice <ALICE@Example.ORG>\r\n\r\n'],
  ['utf-8 local part', 'From: jörg@example.org\r\n\r\n'],
  ['double dots', 'From: a..b@example.org\r\nTo: a@example..org\r\nCc: a.@example.org\r\n\r\n'],
  ['name with edge spaces', 'From:  Alice <alice@example.org>\r\nTo: Bob  <bob@example.org>\r\n\r\n'],
]

const bytesOf = (s: string) =>
  /[\x80-\xff]/.test(s) && !/[^\x00-\xff]/.test(s)
    ? Uint8Array.from(s, c => c.charCodeAt(0)) // latin-1 escapes stand for raw bytes
    : new TextEncoder().encode(s)

describe('parseEnvelope equals the full postal-mime parse', () => {
  for (const [name, text] of cases) {
    test(name, async () => {
      const message = bytesOf(text)
      expect(await parseEnvelope(message)).toEqual(await referenceEnvelope(message))
    })
  }
})

describe('headerLines', () => {
  test('splits, unfolds and lower-cases keys', () => {
    expect(headerLines(bytesOf('Subject: a\r\n b\r\nX-Y:z\r\n\r\nIgnored: yes\r\n'))).toEqual([
      { key: 'subject', value: 'a b' },
      { key: 'x-y', value: 'z' },
    ])
  })
  test('a line without a colon is a key with an empty value', () => {
    expect(headerLines(bytesOf('junk\r\n'))).toEqual([{ key: 'junk', value: '' }])
  })
  test('stops at the first empty line even with CR CR LF', () => {
    expect(headerLines(bytesOf('A: 1\r\r\nB: 2\r\n\r\r\nC: 3\r\n'))).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ])
  })
})
