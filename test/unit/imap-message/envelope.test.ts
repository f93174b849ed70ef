// ENVELOPE: Dovecot's envelope tests (src/lib-imap/test-imap-envelope.c, "copied from imaptest";
// the same cases are imaptest's src/tests/fetch-envelope), the RFC 3501 §7.4.2 example, the
// fixtures, and a table of address lists including malformed ones.
import { describe, expect, test } from 'bun:test'
import { type ImapAddress, parseAddressList } from '../../../src/imap/message/address-list.ts'
import { analyzeMessage, formatEnvelope } from '../../../src/imap/message/index.ts'
import { loadFixture } from './helpers/fixtures.ts'

const crlf = (s: string) => new TextEncoder().encode(s.replace(/\n/g, '\r\n'))
const envelopeOf = (message: Uint8Array, utf8 = false) => formatEnvelope(analyzeMessage(message).envelope, { utf8 })

describe('ENVELOPE [dovecot] test-imap-envelope.c', () => {
  test.each([
    [
      'all fields',
      'Message-ID: <msg@id>\nIn-Reply-To: <reply@to.id>\nDate: Thu, 15 Feb 2007 01:02:03 +0200\nSubject: subject header\nFrom: From Real <fromuser@fromdomain.org>\nTo: To Real <touser@todomain.org>\nCc: Cc Real <ccuser@ccdomain.org>\nBcc: Bcc Real <bccuser@bccdomain.org>\nSender: Sender Real <senderuser@senderdomain.org>\nReply-To: ReplyTo Real <replytouser@replytodomain.org>\n\nbody\n',
      '"Thu, 15 Feb 2007 01:02:03 +0200" "subject header" (("From Real" NIL "fromuser" "fromdomain.org")) (("Sender Real" NIL "senderuser" "senderdomain.org")) (("ReplyTo Real" NIL "replytouser" "replytodomain.org")) (("To Real" NIL "touser" "todomain.org")) (("Cc Real" NIL "ccuser" "ccdomain.org")) (("Bcc Real" NIL "bccuser" "bccdomain.org")) "<reply@to.id>" "<msg@id>"',
    ],
    [
      'sender and reply-to default to from',
      'Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain\n\nbody\n',
      '"Thu, 15 Feb 2007 01:02:03 +0200" NIL ((NIL NIL "user" "domain")) ((NIL NIL "user" "domain")) ((NIL NIL "user" "domain")) NIL NIL NIL NIL NIL',
    ],
    [
      'groups and a comment as the name',
      'Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nTo: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\nCc: group:;, group2: (foo) ;\n\nbody\n',
      '"Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) ((NIL NIL "group" NIL)(NIL NIL "g1" "d1.org")(NIL NIL "g2" "d2.org")(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL "g3" "d3.org")(NIL NIL NIL NIL)) ((NIL NIL "group" NIL)(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL NIL NIL)) NIL NIL NIL',
    ],
    [
      'empty Sender and Reply-To default to from',
      'Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nSender: \nReply-To: \n\nbody\n',
      '"Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) NIL NIL NIL NIL NIL',
    ],
    [
      'source route',
      'Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: <@route:user@domain>\n\nbody\n',
      '"Thu, 15 Feb 2007 01:02:03 +0200" NIL ((NIL "@route" "user" "domain")) ((NIL "@route" "user" "domain")) ((NIL "@route" "user" "domain")) NIL NIL NIL NIL NIL',
    ],
  ])('%s', (_name, message, expected) => {
    expect(envelopeOf(crlf(message))).toBe(`(${expected})`)
  })
})

describe('ENVELOPE of fixtures', () => {
  test('[rfc3501] §7.4.2 example', () => {
    expect(envelopeOf(loadFixture('rfc3501-example.eml'))).toBe(
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>")',
    )
  })

  test('encoded-words stay as written; folding is removed but the whitespace kept', () => {
    expect(envelopeOf(loadFixture('encoded-subject.eml'))).toBe(
      '("Mon, 08 Jul 2024 17:00:00 +0000" "=?UTF-8?B?4pyTIFN1YmplY3Qgd2l0aCDDqW1vamk=?= =?UTF-8?Q?_and_more?=" (("=?UTF-8?Q?Olivia_=C3=96berg?=" NIL "olivia" "example.org")) (("=?UTF-8?Q?Olivia_=C3=96berg?=" NIL "olivia" "example.org")) (("=?UTF-8?Q?Olivia_=C3=96berg?=" NIL "olivia" "example.org")) (("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?=" NIL "paf" "example.net")) NIL NIL NIL NIL)',
    )
  })

  test('groups, quoted names and local parts, missing domain, domain literal', () => {
    expect(envelopeOf(loadFixture('groups-in-to.eml'))).toBe(
      '("Tue, 09 Jul 2024 18:00:00 +0000" "Groups" ((NIL NIL "quinn" "example.org")) ((NIL NIL "quinn" "example.org")) ((NIL NIL "quinn" "example.org")) ' +
        '((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ' +
        '((NIL NIL "Team" NIL)(NIL NIL "rupert" "example.net")("Sybil Q." NIL "sybil" "example.net")(NIL NIL NIL NIL)(NIL NIL "trent" "example.net")) ' +
        '(("Victor \\"V\\" Doe" NIL "victor doe" "example.net")(NIL NIL "local-only" "MISSING_DOMAIN")(NIL NIL "walter" "[192.0.2.1]")) NIL NIL)',
    )
  })

  test('8-bit header text: a literal without UTF8=ACCEPT, quoted with it', () => {
    const message = loadFixture('eight-bit.eml')
    expect(envelopeOf(message)).toContain('{13}\r\n8-bit Grüße ')
    expect(envelopeOf(message, true)).toContain('"8-bit Grüße"')
  })

  test('a long folded subject is unfolded; a tab after the fold stays', () => {
    const envelope = analyzeMessage(loadFixture('long-folded-header.eml')).envelope
    expect(envelope.subject).toBe(
      'A very long subject line that keeps going and going and going and is folded across several lines because it is longer than seventy-eight characters\tand even uses a tab to continue',
    )
    expect(envelope.to).toHaveLength(30)
    expect(envelope.to?.[29]).toEqual({ name: 'Person 29', adl: null, mailbox: 'person29', host: 'example.net' })
  })

  test('the envelope of a message/rfc822 part is the encapsulated header, not the outer one', () => {
    const { tree } = analyzeMessage(loadFixture('rfc822-attachment.eml'))
    const inner = tree.children?.[1]?.message?.envelope
    expect(inner?.subject).toBe('Original')
    expect(inner?.sender).toEqual([{ name: null, adl: null, mailbox: 'list-bounces', host: 'example.com' }])
    expect(inner?.cc).toEqual([{ name: 'Lee, Mary', adl: null, mailbox: 'mary', host: 'example.com' }])
  })

  test('no header at all: every field NIL', () => {
    expect(envelopeOf(crlf('\nbody only\n'))).toBe('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)')
  })

  test('the first of a repeated field counts; an empty Subject is "" not NIL', () => {
    expect(envelopeOf(crlf('Subject:\nSubject: second\nFrom: a@b\n\n'))).toBe(
      '(NIL "" ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) NIL NIL NIL NIL NIL)',
    )
  })
})

const addr = (
  name: string | null,
  mailbox: string | null,
  host: string | null,
  adl: string | null = null,
): ImapAddress => ({
  name,
  adl,
  mailbox,
  host,
})
const groupStart = (name: string) => addr(null, name, null)
const groupEnd = addr(null, null, null)
const binary = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

describe('address lists', () => {
  test.each<[string, ImapAddress[]]>([
    ['user@example.com', [addr(null, 'user', 'example.com')]],
    ['John Q. Public <jqp@example.com>', [addr('John Q. Public', 'jqp', 'example.com')]],
    ['"Doe, John" <john@x.org>, jane@y.org', [addr('Doe, John', 'john', 'x.org'), addr(null, 'jane', 'y.org')]],
    ['<only@angle.org>', [addr(null, 'only', 'angle.org')]],
    ['"a\\"b"@x.org', [addr(null, 'a"b', 'x.org')]],
    ['"john doe"@example.com', [addr(null, 'john doe', 'example.com')]],
    ['user @ example . com', [addr(null, 'user', 'example.com')]],
    ['user(inner)@example.com (Outer Name)', [addr('Outer Name', 'user', 'example.com')]],
    ['a@b (comment (nested))', [addr('comment (nested)', 'a', 'b')]],
    ['Name <a@b> (ignored comment)', [addr('Name', 'a', 'b')]],
    ['<@a.org,@b.org:user@c.org>', [addr(null, 'user', 'c.org', '@a.org,@b.org')]],
    ['user@[IPv6:::1]', [addr(null, 'user', '[IPv6:::1]')]],
    ['=?utf-8?q?J=C3=B6rg?= <j@x.org>', [addr('=?utf-8?q?J=C3=B6rg?=', 'j', 'x.org')]],
    [binary('Jörg Müller <j@x.org>'), [addr('Jörg Müller', 'j', 'x.org')]],
    ['Undisclosed recipients:;', [groupStart('Undisclosed recipients'), groupEnd]],
    ['list: a@b, c@d', [groupStart('list'), addr(null, 'a', 'b'), addr(null, 'c', 'd'), groupEnd]],
    [
      'g: a@b;, h: ;, z@y',
      [groupStart('g'), addr(null, 'a', 'b'), groupEnd, groupStart('h'), groupEnd, addr(null, 'z', 'y')],
    ],
  ])('%s', (input, expected) => {
    expect(parseAddressList(input)).toEqual(expected)
  })

  test.each<[string, ImapAddress[]]>([
    ['', []],
    ['   ', []],
    [',,,', []],
    ['a@b, ,c@d', [addr(null, 'a', 'b'), addr(null, 'c', 'd')]],
    ['<>', [addr(null, 'MISSING_MAILBOX', 'MISSING_DOMAIN')]],
    ['localpart', [addr(null, 'localpart', 'MISSING_DOMAIN')]],
    ['@', []],
    ['Name <a@b', [addr('Name', 'a', 'b')]],
    ['a@b junk junk, c@d', [addr(null, 'a', 'b'), addr(null, 'c', 'd')]],
    ['(only a comment)', []],
    ['a@b (unterminated comment', [addr('unterminated comment', 'a', 'b')]],
  ])('malformed %p', (input, expected) => {
    expect(parseAddressList(input)).toEqual(expected)
  })

  test.each(['"unterminated <a@b>', '<<<>>>', ':::;;;', '"\\', 'a@b@c@d', '((((', '<@route', 'g: <a@b'])(
    'never throws on %p',
    input => {
      const list = parseAddressList(input)
      expect(Array.isArray(list)).toBe(true)
      for (const a of list) {
        // A non-group address always has a mailbox and a host, so it cannot look like a group marker.
        if (a.host === null) expect(a.name).toBeNull()
      }
    },
  )
})
