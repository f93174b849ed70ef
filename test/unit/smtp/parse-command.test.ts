// Command parser tables: every verb with its parameters, then bad input with the exact reply codes,
// then seeded random lines that must only ever produce a command or an SmtpReplyError.
import { describe, expect, test } from 'bun:test'
import { MAX_AUTH_LINE, parseCommand } from '../../../src/smtp/protocol/parse-command.ts'
import { SmtpReplyError } from '../../../src/smtp/protocol/reply-error.ts'
import type { SmtpCommand, SmtpMailbox } from '../../../src/smtp/protocol/smtp-command.ts'

const mbox = (localPart: string, domain: string, extra: Partial<SmtpMailbox> = {}): SmtpMailbox => ({
  localPart,
  quoted: false,
  domain,
  literal: null,
  address: `${localPart}@${domain}`,
  utf8: false,
  ...extra,
})

const noMailParams = { smtputf8: false, requireTls: false }

const valid: [string, SmtpCommand][] = [
  ['EHLO mail.example.com', { verb: 'EHLO', domain: 'mail.example.com', literal: null }],
  ['ehlo Mail.Example.COM', { verb: 'EHLO', domain: 'Mail.Example.COM', literal: null }],
  ['EHLO localhost', { verb: 'EHLO', domain: 'localhost', literal: null }],
  ['EHLO my_pc.lan', { verb: 'EHLO', domain: 'my_pc.lan', literal: null }],
  ['EHLO   relay.example.org  ', { verb: 'EHLO', domain: 'relay.example.org', literal: null }],
  ['EHLO [192.0.2.1]', { verb: 'EHLO', domain: '[192.0.2.1]', literal: { kind: 'ipv4', address: '192.0.2.1' } }],
  [
    'EHLO [IPv6:2001:db8::1]',
    { verb: 'EHLO', domain: '[IPv6:2001:db8::1]', literal: { kind: 'ipv6', address: '2001:db8::1' } },
  ],
  [
    'EHLO [ipv6:::ffff:192.0.2.1]',
    { verb: 'EHLO', domain: '[ipv6:::ffff:192.0.2.1]', literal: { kind: 'ipv6', address: '::ffff:192.0.2.1' } },
  ],
  ['HELO client.example.net', { verb: 'HELO', domain: 'client.example.net', literal: null }],
  ['MAIL FROM:<alice@example.com>', { verb: 'MAIL', from: mbox('alice', 'example.com'), params: noMailParams }],
  ['mail from:<alice@example.com>', { verb: 'MAIL', from: mbox('alice', 'example.com'), params: noMailParams }],
  ['MAIL FROM: <alice@example.com>', { verb: 'MAIL', from: mbox('alice', 'example.com'), params: noMailParams }],
  ['MAIL FROM:<>', { verb: 'MAIL', from: null, params: noMailParams }],
  ['MAIL FROM:<> SIZE=0', { verb: 'MAIL', from: null, params: { ...noMailParams, size: 0 } }],
  [
    'MAIL FROM:<a.b+tag@sub.example.com> SIZE=12345 BODY=8BITMIME',
    {
      verb: 'MAIL',
      from: mbox('a.b+tag', 'sub.example.com'),
      params: { ...noMailParams, size: 12345, body: '8BITMIME' },
    },
  ],
  [
    'MAIL FROM:<a@b.example> body=binarymime smtputf8 requiretls',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { smtputf8: true, requireTls: true, body: 'BINARYMIME' } },
  ],
  [
    'MAIL FROM:<a@b.example> BODY=7BIT',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, body: '7BIT' } },
  ],
  [
    'MAIL FROM:<a@b.example> RET=HDRS ENVID=QQ314159+2Bx',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, ret: 'HDRS', envid: 'QQ314159+x' } },
  ],
  [
    'MAIL FROM:<a@b.example> ret=full',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, ret: 'FULL' } },
  ],
  [
    'MAIL FROM:<a@b.example> AUTH=<>',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, auth: { mailbox: null } } },
  ],
  [
    'MAIL FROM:<a@b.example> AUTH=e+2Bf@b.example',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, auth: { mailbox: 'e+f@b.example' } } },
  ],
  // Source routes are accepted and dropped (RFC 5321 §4.1.1.3, Appendix C).
  [
    'MAIL FROM:<@relay1.example,@relay2.example:joe@c.example>',
    { verb: 'MAIL', from: mbox('joe', 'c.example'), params: noMailParams },
  ],
  [
    'MAIL FROM:<"john doe"@example.com>',
    {
      verb: 'MAIL',
      from: mbox('john doe', 'example.com', { quoted: true, address: '"john doe"@example.com' }),
      params: noMailParams,
    },
  ],
  [
    'MAIL FROM:<"a\\"b>c"@example.com>',
    {
      verb: 'MAIL',
      from: mbox('a"b>c', 'example.com', { quoted: true, address: '"a\\"b>c"@example.com' }),
      params: noMailParams,
    },
  ],
  // A quoted local part that needs no quotes is given back in Dot-string form.
  [
    'MAIL FROM:<"joe"@example.com>',
    { verb: 'MAIL', from: mbox('joe', 'example.com', { quoted: true }), params: noMailParams },
  ],
  [
    'MAIL FROM:<user@[192.0.2.7]>',
    {
      verb: 'MAIL',
      from: mbox('user', '[192.0.2.7]', { literal: { kind: 'ipv4', address: '192.0.2.7' } }),
      params: noMailParams,
    },
  ],
  [
    'MAIL FROM:<pelé@exämple.de> SMTPUTF8',
    { verb: 'MAIL', from: mbox('pelé', 'exämple.de', { utf8: true }), params: { ...noMailParams, smtputf8: true } },
  ],
  [
    'MAIL FROM:<a@b.example>\t SIZE=1 ',
    { verb: 'MAIL', from: mbox('a', 'b.example'), params: { ...noMailParams, size: 1 } },
  ],
  [
    'RCPT TO:<bob@example.org>',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('bob', 'example.org') }, params: {} },
  ],
  [
    'RCPT TO: <bob@example.org>',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('bob', 'example.org') }, params: {} },
  ],
  ['rcpt to:<Postmaster>', { verb: 'RCPT', to: { kind: 'postmaster' }, params: {} }],
  [
    'RCPT TO:<postmaster@example.org>',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('postmaster', 'example.org') }, params: {} },
  ],
  [
    'RCPT TO:<@hop.example:bob@example.org>',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('bob', 'example.org') }, params: {} },
  ],
  [
    'RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Bx@example.org',
    {
      verb: 'RCPT',
      to: { kind: 'mailbox', mailbox: mbox('bob', 'example.org') },
      params: {
        notify: ['SUCCESS', 'FAILURE'],
        orcpt: { addrType: 'rfc822', value: 'rfc822;bob+2Bx@example.org', address: 'bob+x@example.org' },
      },
    },
  ],
  [
    'RCPT TO:<b@e.org> notify=never',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('b', 'e.org') }, params: { notify: ['NEVER'] } },
  ],
  [
    'RCPT TO:<b@e.org> NOTIFY=delay,Failure',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('b', 'e.org') }, params: { notify: ['DELAY', 'FAILURE'] } },
  ],
  [
    'RCPT TO:<b@e.org> ORCPT=utf-8;j\\x{F6}rg@e.org',
    {
      verb: 'RCPT',
      to: { kind: 'mailbox', mailbox: mbox('b', 'e.org') },
      params: { orcpt: { addrType: 'utf-8', value: 'utf-8;j\\x{F6}rg@e.org', address: 'jörg@e.org' } },
    },
  ],
  // UTF-8 in RCPT is reported, not judged: only the session knows whether MAIL had SMTPUTF8.
  [
    'RCPT TO:<用户@例子.广告>',
    { verb: 'RCPT', to: { kind: 'mailbox', mailbox: mbox('用户', '例子.广告', { utf8: true }) }, params: {} },
  ],
  ['DATA', { verb: 'DATA' }],
  ['data', { verb: 'DATA' }],
  ['BDAT 1000', { verb: 'BDAT', size: 1000, last: false }],
  ['BDAT 0 LAST', { verb: 'BDAT', size: 0, last: true }],
  ['bdat 42 last', { verb: 'BDAT', size: 42, last: true }],
  ['RSET', { verb: 'RSET' }],
  ['VRFY bob', { verb: 'VRFY', argument: 'bob' }],
  ['VRFY <bob@example.org>', { verb: 'VRFY', argument: '<bob@example.org>' }],
  ['EXPN staff-list', { verb: 'EXPN', argument: 'staff-list' }],
  ['HELP', { verb: 'HELP', topic: null }],
  ['HELP MAIL', { verb: 'HELP', topic: 'MAIL' }],
  ['NOOP', { verb: 'NOOP' }],
  ['NOOP anything at all', { verb: 'NOOP' }],
  ['QUIT', { verb: 'QUIT' }],
  ['STARTTLS', { verb: 'STARTTLS' }],
  ['AUTH PLAIN', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: null }],
  ['auth plain AGJvYgBzZWNyZXQ=', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGJvYgBzZWNyZXQ=' }],
  ['AUTH PLAIN =', { verb: 'AUTH', mechanism: 'PLAIN', initialResponse: '=' }],
  ['AUTH LOGIN', { verb: 'AUTH', mechanism: 'LOGIN', initialResponse: null }],
  ['AUTH SCRAM-SHA-256', { verb: 'AUTH', mechanism: 'SCRAM-SHA-256', initialResponse: null }],
]

describe('parseCommand: valid commands', () => {
  test.each(valid)('%p', (line, expected) => {
    expect(parseCommand(line)).toEqual(expected)
  })

  test('bytes and strings parse the same, 8-bit UTF-8 included', () => {
    for (const [line, expected] of valid) {
      expect(parseCommand(new TextEncoder().encode(line))).toEqual(expected)
    }
  })
})

const long = (n: number, c = 'a') => c.repeat(n)

// [label, line, code, enhanced]
const invalid: [string, string | Uint8Array, number, string][] = [
  ['empty line', '', 500, '5.5.2'],
  ['only spaces', '   ', 500, '5.5.2'],
  ['unknown verb', 'FOO bar', 500, '5.5.2'],
  ['HTTP request line', 'GET / HTTP/1.1', 500, '5.5.2'],
  ['verb with a digit', 'MAIL1 FROM:<a@b.c>', 500, '5.5.2'],
  ['garbage bytes', Uint8Array.of(0xff, 0xfe, 0x80, 0x41), 500, '5.5.2'],
  ['NUL in unknown verb', 'X\0Y', 500, '5.5.2'],
  ['recognised, not implemented (RFC 5321 §4.2.4: 502)', 'TURN', 502, '5.5.1'],
  ['ETRN not implemented', 'ETRN example.com', 502, '5.5.1'],
  ['NUL byte in MAIL', 'MAIL FROM:<a\0b@example.com>', 501, '5.5.4'],
  ['bare CR inside a line', 'NOOP a\rb', 501, '5.5.4'],
  [
    'invalid UTF-8 in arguments',
    Uint8Array.from([...new TextEncoder().encode('MAIL FROM:<'), 0xe9, ...new TextEncoder().encode('@b.c>')]),
    501,
    '5.5.4',
  ],
  ['EHLO without domain', 'EHLO', 501, '5.5.4'],
  ['EHLO with two words', 'EHLO a.example b.example', 501, '5.5.4'],
  ['EHLO bad domain', 'EHLO bad..example', 501, '5.5.4'],
  ['EHLO domain with "/"', 'EHLO exa/mple.com', 501, '5.5.4'],
  ['EHLO label starting with "-"', 'EHLO -bad.example', 501, '5.5.4'],
  ['EHLO label over 63 octets', `EHLO ${long(64)}.example`, 501, '5.5.4'],
  ['EHLO bad IPv4 literal', 'EHLO [300.1.1.1]', 501, '5.5.4'],
  ['EHLO unbracketed-literal garbage', 'EHLO [192.0.2.1', 501, '5.5.4'],
  ['EHLO IPv6 literal without tag', 'EHLO [2001:db8::1]', 501, '5.5.4'],
  ['EHLO unregistered literal tag', 'EHLO [x-foo:bar]', 501, '5.5.4'],
  ['EHLO non-ASCII domain (RFC 6531 §3.7.1)', 'EHLO exämple.de', 501, '5.5.4'],
  ['HELO without domain', 'HELO ', 501, '5.5.4'],
  ['MAIL without FROM', 'MAIL', 501, '5.5.4'],
  ['MAIL missing colon', 'MAIL FROM <a@b.example>', 501, '5.5.4'],
  ['MAIL TO: instead of FROM:', 'MAIL TO:<a@b.example>', 501, '5.5.4'],
  ['MAIL without brackets', 'MAIL FROM:a@b.example', 501, '5.1.7'],
  ['MAIL empty after colon', 'MAIL FROM:', 501, '5.1.7'],
  ['MAIL unbalanced <', 'MAIL FROM:<a@b.example', 501, '5.1.7'],
  ['MAIL unbalanced >', 'MAIL FROM:a@b.example>', 501, '5.1.7'],
  ['MAIL nested <', 'MAIL FROM:<<a@b.example>>', 501, '5.1.7'],
  ['MAIL text glued after >', 'MAIL FROM:<a@b.example>SIZE=1', 501, '5.1.7'],
  ['MAIL address without @', 'MAIL FROM:<alice>', 501, '5.1.7'],
  ['MAIL empty local part', 'MAIL FROM:<@b.example>', 501, '5.1.7'],
  ['MAIL double dot in local part', 'MAIL FROM:<a..b@b.example>', 501, '5.1.7'],
  ['MAIL local part of 65 octets', `MAIL FROM:<${long(65)}@b.example>`, 501, '5.1.7'],
  ['MAIL UTF-8 local part over 64 octets', `MAIL FROM:<${long(33, 'é')}@b.example> SMTPUTF8`, 501, '5.1.7'],
  ['MAIL domain over 255 octets', `MAIL FROM:<a@${Array(65).fill('abc').join('.')}>`, 501, '5.1.7'],
  ['MAIL path over 256 octets', `MAIL FROM:<${long(64)}@${Array(4).fill(long(60)).join('.')}>`, 501, '5.1.7'],
  ['MAIL unterminated quoted local part', 'MAIL FROM:<"abc@b.example>', 501, '5.1.7'],
  ['MAIL bad source route', 'MAIL FROM:<@relay.example joe@c.example>', 501, '5.1.7'],
  ['MAIL bad IPv4 literal', 'MAIL FROM:<a@[1.2.3]>', 501, '5.1.7'],
  ['MAIL domain with trailing dot', 'MAIL FROM:<a@b.example.>', 501, '5.1.7'],
  ['MAIL 8-bit address without SMTPUTF8 (RFC 6531 §3.5)', 'MAIL FROM:<pelé@example.com>', 550, '5.6.7'],
  ['MAIL 8-bit domain without SMTPUTF8', 'MAIL FROM:<a@exämple.de>', 550, '5.6.7'],
  ['MAIL unknown parameter', 'MAIL FROM:<a@b.example> FOO=bar', 555, '5.5.4'],
  ['MAIL XCLIENT-style unknown keyword', 'MAIL FROM:<a@b.example> HOLDFOR=10', 555, '5.5.4'],
  ['MAIL duplicate parameter', 'MAIL FROM:<a@b.example> SIZE=1 SIZE=2', 501, '5.5.4'],
  ['MAIL duplicate in different case', 'MAIL FROM:<a@b.example> body=7bit BODY=8BITMIME', 501, '5.5.4'],
  ['MAIL SIZE=abc', 'MAIL FROM:<a@b.example> SIZE=abc', 501, '5.5.4'],
  ['MAIL SIZE without value', 'MAIL FROM:<a@b.example> SIZE', 501, '5.5.4'],
  ['MAIL SIZE with 21 digits', `MAIL FROM:<a@b.example> SIZE=${long(21, '9')}`, 501, '5.5.4'],
  ['MAIL SIZE negative', 'MAIL FROM:<a@b.example> SIZE=-1', 501, '5.5.4'],
  ['MAIL BODY=weird', 'MAIL FROM:<a@b.example> BODY=weird', 501, '5.5.4'],
  ['MAIL SMTPUTF8 with value', 'MAIL FROM:<a@b.example> SMTPUTF8=yes', 501, '5.5.4'],
  ['MAIL RET=PARTIAL', 'MAIL FROM:<a@b.example> RET=PARTIAL', 501, '5.5.4'],
  ['MAIL ENVID malformed xtext', 'MAIL FROM:<a@b.example> ENVID=has+zz', 501, '5.5.4'],
  ['MAIL ENVID over 100 characters', `MAIL FROM:<a@b.example> ENVID=${long(101, 'x')}`, 501, '5.5.4'],
  ['MAIL parameter with empty value', 'MAIL FROM:<a@b.example> SIZE=', 501, '5.5.4'],
  ['MAIL bad parameter keyword', 'MAIL FROM:<a@b.example> -X=1', 501, '5.5.4'],
  ['MAIL value containing "="', 'MAIL FROM:<a@b.example> ENVID=a=b', 501, '5.5.4'],
  ['RCPT missing colon', 'RCPT TO <b@example.org>', 501, '5.5.4'],
  ['RCPT without TO', 'RCPT <b@example.org>', 501, '5.5.4'],
  ['RCPT null path', 'RCPT TO:<>', 501, '5.1.3'],
  ['RCPT unbalanced', 'RCPT TO:<b@example.org', 501, '5.1.3'],
  ['RCPT local part of 65 octets', `RCPT TO:<${long(65)}@example.org>`, 501, '5.1.3'],
  ['RCPT domain label over 63 octets', `RCPT TO:<b@${long(64)}.org>`, 501, '5.1.3'],
  ['RCPT general address literal', 'RCPT TO:<b@[tag:content]>', 501, '5.1.3'],
  ['RCPT NOTIFY=NEVER,SUCCESS', 'RCPT TO:<b@example.org> NOTIFY=NEVER,SUCCESS', 501, '5.5.4'],
  ['RCPT NOTIFY=MAYBE', 'RCPT TO:<b@example.org> NOTIFY=MAYBE', 501, '5.5.4'],
  ['RCPT NOTIFY repeated value', 'RCPT TO:<b@example.org> NOTIFY=DELAY,DELAY', 501, '5.5.4'],
  ['RCPT NOTIFY empty element', 'RCPT TO:<b@example.org> NOTIFY=SUCCESS,', 501, '5.5.4'],
  ['RCPT ORCPT without type', 'RCPT TO:<b@example.org> ORCPT=b@example.org', 501, '5.5.4'],
  ['RCPT ORCPT empty address', 'RCPT TO:<b@example.org> ORCPT=rfc822;', 501, '5.5.4'],
  ['RCPT ORCPT over 500 characters', `RCPT TO:<b@example.org> ORCPT=rfc822;${long(500)}`, 501, '5.5.4'],
  ['RCPT ORCPT bad utf-8-addr-xtext', 'RCPT TO:<b@example.org> ORCPT=utf-8;a\\x{zz}@b', 501, '5.5.4'],
  ['RCPT MAIL-only parameter', 'RCPT TO:<b@example.org> SIZE=10', 555, '5.5.4'],
  ['RCPT duplicate parameter', 'RCPT TO:<b@example.org> NOTIFY=NEVER NOTIFY=NEVER', 501, '5.5.4'],
  ['DATA with argument', 'DATA now', 501, '5.5.4'],
  ['RSET with argument', 'RSET all', 501, '5.5.4'],
  ['QUIT with argument', 'QUIT now', 501, '5.5.4'],
  ['STARTTLS with argument', 'STARTTLS please', 501, '5.5.4'],
  ['VRFY without argument', 'VRFY', 501, '5.5.4'],
  ['EXPN without argument', 'EXPN', 501, '5.5.4'],
  ['BDAT without size', 'BDAT', 501, '5.5.4'],
  ['BDAT non-numeric size', 'BDAT ten', 501, '5.5.4'],
  ['BDAT negative size', 'BDAT -1', 501, '5.5.4'],
  ['BDAT size beyond a safe integer', 'BDAT 9999999999999999', 501, '5.5.4'],
  ['BDAT bad end marker', 'BDAT 10 FIRST', 501, '5.5.4'],
  ['BDAT extra words', 'BDAT 10 LAST now', 501, '5.5.4'],
  ['AUTH without mechanism', 'AUTH', 501, '5.5.4'],
  ['AUTH mechanism over 20 characters', `AUTH ${long(21, 'X')}`, 501, '5.5.4'],
  ['AUTH mechanism with bad characters', 'AUTH PL@IN', 501, '5.5.4'],
  ['AUTH too many words', 'AUTH PLAIN abc def', 501, '5.5.4'],
  ['line over 1000 octets (RFC 5321 §4.5.3.1.4)', `NOOP ${long(995)}`, 500, '5.5.2'],
  ['AUTH line over 12288 octets (RFC 4954 §4)', `AUTH PLAIN ${long(MAX_AUTH_LINE, 'Q')}`, 500, '5.5.6'],
]

function replyOf(line: string | Uint8Array): [number, string | null] {
  try {
    parseCommand(line)
  } catch (e) {
    expect(e).toBeInstanceOf(SmtpReplyError)
    const reply = (e as SmtpReplyError).reply
    return [reply.code, reply.enhanced]
  }
  throw new Error(`expected ${JSON.stringify(line)} to be rejected`)
}

describe('parseCommand: bad input', () => {
  test.each(invalid)('%s', (_label, line, code, enhanced) => {
    expect(replyOf(line)).toEqual([code, enhanced])
  })

  test('a 1000-octet line is fine, 1001 is not; the limit is configurable', () => {
    const at = (n: number) => `NOOP ${long(n - 2 - 5)}`
    expect(parseCommand(at(1000))).toEqual({ verb: 'NOOP' })
    expect(replyOf(at(1001))).toEqual([500, '5.5.2'])
    expect(() => parseCommand(at(600), { maxLineLength: 512 })).toThrow(SmtpReplyError)
  })

  test('AUTH lines may be longer than the command limit, up to RFC 4954 §4 12288 octets', () => {
    const response = long(MAX_AUTH_LINE - 2 - 'AUTH PLAIN '.length, 'Q')
    expect(parseCommand(`AUTH PLAIN ${response}`)).toEqual({
      verb: 'AUTH',
      mechanism: 'PLAIN',
      initialResponse: response,
    })
  })

  test('errors name the verb, so the session can spot HTTP and other non-SMTP talkers', () => {
    const verbOf = (line: string) => {
      try {
        parseCommand(line)
      } catch (e) {
        return (e as SmtpReplyError).verb
      }
      return undefined
    }
    expect(verbOf('POST /cgi HTTP/1.0')).toBe('POST')
    expect(verbOf('MAIL FROM:<broken')).toBe('MAIL')
    expect(verbOf('\u0016\u0003\u0001')).toBe(null)
  })

  test('errors are typed MailErrors with the SMTP codes attached', () => {
    try {
      parseCommand('MAIL FROM:<a@b.example> FOO=1')
      throw new Error('not rejected')
    } catch (e) {
      const err = e as SmtpReplyError
      expect(err.kind).toBe('syntax')
      expect(err.codes.smtp).toEqual([555, '5.5.4'])
      expect(err.message).toContain('FOO')
    }
  })
})

/** mulberry32: a tiny seeded PRNG, so the fuzz run is the same every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('parseCommand: fuzz', () => {
  test('2,000 random lines only ever give a command or an SmtpReplyError', () => {
    const random = prng(0x5eed)
    const seeds = valid.map(([line]) => new TextEncoder().encode(line))
    const alphabet = new TextEncoder().encode('<>@:,;.="\\[] \t+-_AZaz09\0\r\n\u00e9')
    let parsed = 0
    let rejected = 0
    for (let n = 0; n < 2000; n++) {
      let bytes: Uint8Array
      if (n % 2 === 0) {
        // Pure noise of random length.
        bytes = Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))
      } else {
        // A valid command with a few bytes replaced, inserted or cut: reaches the deeper parsers.
        const base = [...(seeds[Math.floor(random() * seeds.length)] ?? [])]
        const edits = 1 + Math.floor(random() * 4)
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(random() * (base.length + 1))
          const byte =
            random() < 0.7 ? (alphabet[Math.floor(random() * alphabet.length)] ?? 0) : Math.floor(random() * 256)
          const op = random()
          if (op < 0.4) base.splice(at, 1, byte)
          else if (op < 0.8) base.splice(at, 0, byte)
          else base.splice(at, 1 + Math.floor(random() * 5))
        }
        bytes = Uint8Array.from(base)
      }
      try {
        parseCommand(bytes)
        parsed++
      } catch (e) {
        if (!(e instanceof SmtpReplyError)) throw new Error(`non-typed error for ${JSON.stringify([...bytes])}: ${e}`)
        expect(e.reply.code).toBeGreaterThanOrEqual(500)
        rejected++
      }
    }
    expect(parsed + rejected).toBe(2000)
    // The mutations must reach both outcomes, or the fuzzing proves little.
    expect(parsed).toBeGreaterThan(50)
    expect(rejected).toBeGreaterThan(500)
  })
})
