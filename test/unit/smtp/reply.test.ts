// Reply builder and the standard reply table: wire format, enhanced codes, text sanitising and the
// error → reply mapping.
import { describe, expect, test } from 'bun:test'
import { MailError, internalError, syntaxError, temporaryError, userError } from '../../../src/core/errors.ts'
import { REPLY_CODES, type ReplyName } from '../../../src/smtp/protocol/reply-codes.ts'
import { SmtpReplyError, replyError, replyForError } from '../../../src/smtp/protocol/reply-error.ts'
import {
  MAX_REPLY_LINE_OCTETS,
  buildReply,
  encodeReply,
  formatReply,
  sanitizeReplyText,
  standardReply,
} from '../../../src/smtp/protocol/reply.ts'

describe('formatReply', () => {
  const cases: [string, Parameters<typeof buildReply>, string][] = [
    ['single line with enhanced code', [250, '2.0.0', 'OK'], '250 2.0.0 OK\r\n'],
    [
      'multi-line: hyphen on all but the last',
      [550, '5.7.1', ['first', 'second', 'third']],
      '550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n',
    ],
    ['no enhanced code', [354, null, 'End data with <CR><LF>.<CR><LF>'], '354 End data with <CR><LF>.<CR><LF>\r\n'],
    ['empty text keeps the space (RFC 4954 §4 "334 ")', [334, null, ''], '334 \r\n'],
    ['empty line list is one empty line', [250, '2.0.0', []], '250 2.0.0 \r\n'],
    ['three-digit enhanced parts', [550, '5.7.30', 'REQUIRETLS'], '550 5.7.30 REQUIRETLS\r\n'],
  ]
  test.each(cases)('%s', (_label, args, wire) => {
    expect(formatReply(buildReply(...args))).toBe(wire)
  })

  test('enhanced codes can be left out for a HELO client', () => {
    expect(formatReply(standardReply('ok'), { enhancedCodes: false })).toBe('250 OK\r\n')
  })

  test('CR/LF in text cannot start a new reply line', () => {
    const wire = formatReply(buildReply(550, '5.1.1', 'no such user <a@b>\r\n250 2.0.0 OK\nX'))
    expect(wire).toBe('550 5.1.1 no such user <a@b>  250 2.0.0 OK X\r\n')
    expect(wire.split('\r\n').length).toBe(2)
  })

  test('every line of a multi-line reply is sanitised on its own', () => {
    const wire = formatReply(buildReply(250, '2.0.0', ['a\rb', 'c\nd']))
    expect(wire).toBe('250-2.0.0 a b\r\n250 2.0.0 c d\r\n')
  })

  test('lines are cut to 512 octets including CRLF (RFC 5321 §4.5.3.1.5)', () => {
    const wire = formatReply(buildReply(250, '2.0.0', ['x'.repeat(600), 'é'.repeat(600)]), { utf8: true })
    for (const line of wire.split('\r\n').slice(0, -1)) {
      expect(new TextEncoder().encode(`${line}\r\n`).length).toBeLessThanOrEqual(MAX_REPLY_LINE_OCTETS)
    }
    expect(wire).toContain(`250-2.0.0 ${'x'.repeat(MAX_REPLY_LINE_OCTETS - 12)}\r\n`)
    // No character was split: the text decodes to whole é's.
    expect(wire.split('\r\n')[1]).toMatch(/^250 2\.0\.0 é+$/)
  })

  test('encodeReply gives the UTF-8 bytes', () => {
    expect(new TextDecoder().decode(encodeReply(standardReply('closing')))).toBe('221 2.0.0 Bye\r\n')
  })
})

describe('sanitizeReplyText', () => {
  const cases: [string, string, boolean, string][] = [
    ['printable ASCII and tab stay', 'a b\tc~', false, 'a b\tc~'],
    ['CR and LF become spaces', 'a\r\nb', false, 'a  b'],
    ['NUL and other controls become ?', 'a\0b\x1bc\x7f', false, 'a?b?c?'],
    ['non-ASCII becomes ? by default', 'pelé', false, 'pel?'],
    ['non-ASCII kept with utf8', 'pelé 用户', true, 'pelé 用户'],
    ['C1 controls are never kept', 'a\u0085b', true, 'a?b'],
    ['lone surrogates are never kept', 'a\ud800b', true, 'a?b'],
  ]
  test.each(cases)('%s', (_label, input, utf8, output) => {
    expect(sanitizeReplyText(input, utf8)).toBe(output)
  })
})

describe('buildReply validation', () => {
  test.each([
    [199, '2.0.0'],
    [600, null],
    [250.5, null],
    [250, '5.0.0'],
    [550, '2.0.0'],
    [250, '2.0'],
    [250, '2.0.0.0'],
    [354, '3.0.0'],
  ] as [number, string | null][])('code %p with enhanced %p is a programming error', (code, enhanced) => {
    expect(() => buildReply(code, enhanced, 'x')).toThrow(RangeError)
  })
})

describe('REPLY_CODES table', () => {
  const entries = Object.entries(REPLY_CODES) as [ReplyName, (typeof REPLY_CODES)[ReplyName]][]
  // RFC 2034 §3 exempts the greeting and the HELO/EHLO reply; RFC 3463 has no class 3.
  const exempt = new Set<ReplyName>(['greeting', 'hello'])

  test.each(entries)('%s has an enhanced code matching its class', (name, entry) => {
    const classDigit = Math.floor(entry.code / 100)
    if (classDigit === 3 || exempt.has(name)) {
      expect(entry.enhanced).toBeNull()
      return
    }
    expect(entry.enhanced).toMatch(/^[245]\.\d{1,3}\.\d{1,3}$/)
    expect(entry.enhanced?.[0]).toBe(String(classDigit))
    expect(() => standardReply(name)).not.toThrow()
  })

  test.each([
    ['greeting', 220, null],
    ['ok', 250, '2.0.0'],
    ['unknownCommand', 500, '5.5.2'],
    ['notImplemented', 502, '5.5.1'],
    ['syntax', 501, '5.5.4'],
    ['unknownParameter', 555, '5.5.4'],
    ['badSequence', 503, '5.5.1'],
    ['sizeExceeded', 552, '5.3.4'],
    ['tooManyRecipients', 452, '4.5.3'],
    ['relayDenied', 554, '5.7.1'],
    ['authRequired', 530, '5.7.0'],
    ['authFailed', 535, '5.7.8'],
    ['tlsRequired', 530, '5.7.0'],
    ['mailboxUnknown', 550, '5.1.1'],
    ['tempFailure', 451, '4.3.0'],
    ['authCancelled', 501, '5.0.0'],
    ['authMalformed', 501, '5.5.2'],
    ['cannotVerify', 252, '2.0.0'],
    ['nonAsciiSender', 550, '5.6.7'],
    ['nonAsciiRecipient', 553, '5.6.7'],
  ] as [ReplyName, number, string | null][])('%s is %d %s', (name, code, enhanced) => {
    expect([REPLY_CODES[name].code, REPLY_CODES[name].enhanced]).toEqual([code, enhanced])
  })

  test('standardReply can replace the text', () => {
    expect(formatReply(standardReply('mailboxUnknown', 'No such user here'))).toBe('550 5.1.1 No such user here\r\n')
  })
})

describe('errors', () => {
  test('replyError carries the reply, the SMTP codes and a kind from the code', () => {
    const syntax = replyError('unknownParameter', 'parameter FOO not recognized', 'MAIL')
    expect(syntax).toBeInstanceOf(MailError)
    expect([syntax.kind, syntax.codes.smtp, syntax.verb]).toEqual(['syntax', [555, '5.5.4'], 'MAIL'])
    expect(replyError('tempFailure').kind).toBe('temporary')
    expect(replyError('mailboxUnknown').kind).toBe('user')
  })

  test.each([
    ['SmtpReplyError', replyError('sizeExceeded'), '552 5.3.4 Message size exceeds fixed maximum message size\r\n'],
    [
      'MailError with smtp codes',
      userError('no such mailbox', { smtp: [550, '5.1.1'] }),
      '550 5.1.1 no such mailbox\r\n',
    ],
    ['syntax MailError without codes', syntaxError('bad thing'), '501 5.5.4 bad thing\r\n'],
    ['user MailError without codes', userError('nope'), '550 5.0.0 nope\r\n'],
    ['temporary MailError', temporaryError('db busy'), '451 4.3.0 db busy\r\n'],
    [
      'internal MailError hides its message',
      internalError('secret stack detail'),
      '451 4.3.0 Local error in processing, try again later\r\n',
    ],
    [
      'plain Error hides its message',
      new Error('password=hunter2'),
      '451 4.3.0 Local error in processing, try again later\r\n',
    ],
    ['a thrown string', 'oops', '451 4.3.0 Local error in processing, try again later\r\n'],
    ['malformed codes fall back by kind', userError('x', { smtp: [250, '5.0.0'] }), '550 5.0.0 x\r\n'],
    ['error text is sanitised', userError('a\r\n250 OK', { smtp: [550, '5.1.1'] }), '550 5.1.1 a  250 OK\r\n'],
  ] as [string, unknown, string][])('replyForError: %s', (_label, error, wire) => {
    expect(formatReply(replyForError(error))).toBe(wire)
  })

  test('SmtpReplyError keeps the exact reply it was built with', () => {
    const reply = buildReply(550, '5.7.1', ['line one', 'line two'])
    expect(replyForError(new SmtpReplyError(reply, 'policy'))).toBe(reply)
  })
})
