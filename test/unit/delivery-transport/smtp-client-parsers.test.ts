// Pure pieces of the SMTP client: reply assembly (RFC 5321 §4.2, RFC 2034 enhanced codes), EHLO
// keywords, dot-stuffing (§4.5.2), MAIL/RCPT parameters, and what a message needs from the next hop.
import { describe, expect, test } from 'bun:test'
import { ClientSocketError } from '../../../src/delivery/smtp-client/client-socket-error.ts'
import { certificateResultType } from '../../../src/delivery/smtp-client/client-tls.ts'
import { dotStuff } from '../../../src/delivery/smtp-client/dot-stuff.ts'
import { parseEhloExtensions } from '../../../src/delivery/smtp-client/ehlo-extensions.ts'
import { unmetRequirement } from '../../../src/delivery/smtp-client/envelope-requirements.ts'
import { mailFromLine, rcptToLine } from '../../../src/delivery/smtp-client/mail-parameters.ts'
import { chooseSaslMechanism, plainInitialResponse } from '../../../src/delivery/smtp-client/sasl-client.ts'
import {
  ReplyAssembler,
  enhancedStatusOf,
  formatReply,
  parseReply,
} from '../../../src/delivery/smtp-client/smtp-reply.ts'

describe('parseReply', () => {
  test.each([
    [['250 ok'], { code: 250, enhanced: null, lines: ['ok'] }],
    [['250'], { code: 250, enhanced: null, lines: [''] }],
    [['550 5.1.1 no such user'], { code: 550, enhanced: '5.1.1', lines: ['no such user'] }],
    [['451 4.3.0'], { code: 451, enhanced: '4.3.0', lines: [''] }],
    [
      ['250-mx.example', '250-PIPELINING', '250 SIZE 100'],
      { code: 250, enhanced: null, lines: ['mx.example', 'PIPELINING', 'SIZE 100'] },
    ],
    // The class of the enhanced code must match the reply's first digit (RFC 3463 §2).
    [['550 4.1.1 odd'], { code: 550, enhanced: null, lines: ['4.1.1 odd'] }],
    [['250 2.0.0 queued as ABC'], { code: 250, enhanced: '2.0.0', lines: ['queued as ABC'] }],
    [['452 4.02.003 leading zeros'], { code: 452, enhanced: '4.2.3', lines: ['leading zeros'] }],
  ])('%j', (lines, expected) => {
    expect(parseReply(lines)).toEqual(expected)
  })

  test.each([
    [['hello']],
    [['25 short']],
    [['2500 long']],
    [['650 bad class']],
    [['250-first', '251 other code']],
    [['250-incomplete']],
    [['250 done', '250 extra']],
  ])('malformed %j', lines => {
    expect(() => parseReply(lines)).toThrow(ClientSocketError)
  })

  test('an assembler keeps working reply after reply', () => {
    const a = new ReplyAssembler()
    expect(a.push('250-a')).toBeNull()
    expect(a.push('250 b')?.lines).toEqual(['a', 'b'])
    expect(a.push('354 go')?.code).toBe(354)
  })

  test('formatting and default enhanced codes', () => {
    expect(formatReply(parseReply(['550 5.1.1 no such user']))).toBe('550 5.1.1 no such user')
    expect(formatReply(parseReply(['421-busy', '421 try later']))).toBe('421 busy try later')
    expect(enhancedStatusOf(parseReply(['452 full']))).toBe('4.0.0')
    expect(enhancedStatusOf(parseReply(['552 5.3.4 too big']))).toBe('5.3.4')
  })
})

describe('parseEhloExtensions', () => {
  test('keywords, SIZE and AUTH', () => {
    const ext = parseEhloExtensions(
      parseReply([
        '250-mx.example.test Hello',
        '250-pipelining',
        '250-SIZE 1000',
        '250-AUTH PLAIN login',
        '250 CHUNKING',
      ]),
    )
    expect(ext.has('PIPELINING')).toBe(true)
    expect(ext.has('chunking')).toBe(true)
    expect(ext.has('STARTTLS')).toBe(false)
    expect(ext.maxSize).toBe(1000)
    expect(ext.authMechanisms).toEqual(['PLAIN', 'LOGIN'])
  })

  test.each([
    ['SIZE', null],
    ['SIZE 0', null],
    ['SIZE abc', null],
    ['SIZE 52428800', 52428800],
  ])('%s → maxSize %p', (line, expected) => {
    expect(parseEhloExtensions(parseReply(['250-host', `250-${line}`, '250 8BITMIME'])).maxSize).toBe(expected)
  })

  test('legacy AUTH=', () => {
    expect(parseEhloExtensions(parseReply(['250-host', '250 AUTH=LOGIN PLAIN'])).authMechanisms).toEqual([
      'LOGIN',
      'PLAIN',
    ])
  })
})

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** What a receiver does (RFC 5321 §4.5.2): strip one leading dot per line, stop at "." alone. */
function unstuff(wire: string): string {
  const lines = wire.split('\r\n')
  const out: string[] = []
  for (const line of lines) {
    if (line === '.') break
    out.push(line.startsWith('.') ? line.slice(1) : line)
  }
  return out.join('\r\n')
}

describe('dotStuff', () => {
  test.each([
    ['Hello\r\n', 'Hello\r\n.\r\n'],
    ['.\r\n', '..\r\n.\r\n'],
    ['.leading\r\nmiddle\r\n.dot\r\n..two\r\n', '..leading\r\nmiddle\r\n..dot\r\n...two\r\n.\r\n'],
    ['no final newline', 'no final newline\r\n.\r\n'],
    ['', '.\r\n'],
    ['a\r\n.', 'a\r\n..\r\n.\r\n'],
    // A dot after a bare LF is stuffed too, so a lenient receiver never sees "\n.\r\n" end the data.
    ['a\n.\r\nb\r\n', 'a\n..\r\nb\r\n.\r\n'],
  ])('%j', (input, expected) => {
    expect(text(dotStuff(bytes(input)))).toBe(expected)
  })

  test('round trip through a receiver', () => {
    const message = 'From: a\r\n\r\n.\r\n..\r\n. x\r\nend\r\n'
    const wire = text(dotStuff(bytes(message)))
    expect(`${unstuff(wire)}\r\n`).toBe(message)
  })
})

describe('MAIL FROM and RCPT TO', () => {
  const ext = (...keywords: string[]) =>
    parseEhloExtensions(parseReply(['250-host', ...keywords.map(k => `250-${k}`), '250 X-END']))
  const params = {
    sender: 'ann@example.test',
    size: 1234,
    bodyType: '8BITMIME' as const,
    smtputf8: true,
    requireTls: true,
    ret: 'HDRS' as const,
    envid: 'a b+c',
  }

  test('only the parameters of announced extensions', () => {
    expect(mailFromLine(params, ext())).toBe('MAIL FROM:<ann@example.test>\r\n')
    expect(mailFromLine(params, ext('SIZE 1', '8BITMIME', 'SMTPUTF8', 'REQUIRETLS', 'DSN'))).toBe(
      'MAIL FROM:<ann@example.test> SIZE=1234 BODY=8BITMIME SMTPUTF8 REQUIRETLS RET=HDRS ENVID=a+20b+2Bc\r\n',
    )
    expect(mailFromLine({ ...params, sender: '', bodyType: 'BINARYMIME' }, ext('BINARYMIME', 'CHUNKING'))).toBe(
      'MAIL FROM:<> BODY=BINARYMIME\r\n',
    )
  })

  test('NOTIFY and ORCPT pass on to a DSN server, in either stored form', () => {
    const dsn = ext('DSN')
    expect(rcptToLine({ address: 'b@x.test', notify: ['NEVER'], orcpt: null }, dsn)).toBe(
      'RCPT TO:<b@x.test> NOTIFY=NEVER\r\n',
    )
    expect(
      rcptToLine({ address: 'b@x.test', notify: null, orcpt: { addrType: 'rfc822', value: 'b+2B1@x.test' } }, dsn),
    ).toBe('RCPT TO:<b@x.test> ORCPT=rfc822;b+2B1@x.test\r\n')
    expect(
      rcptToLine({ address: 'b@x.test', notify: null, orcpt: { addrType: 'rfc822', value: 'RFC822;b@x.test' } }, dsn),
    ).toBe('RCPT TO:<b@x.test> ORCPT=rfc822;b@x.test\r\n')
    expect(rcptToLine({ address: 'b@x.test', notify: ['SUCCESS'], orcpt: null }, ext())).toBe('RCPT TO:<b@x.test>\r\n')
  })
})

describe('unmetRequirement', () => {
  const ext = (...keywords: string[]) =>
    parseEhloExtensions(parseReply(['250-host', ...keywords.map(k => `250-${k}`), '250 X-END']))
  const needs = {
    sender: 'a@x.test',
    recipients: [{ address: 'b@y.test' }],
    size: 100,
    bodyType: null,
    smtputf8: false,
    requireTls: false,
  }
  test.each([
    ['fits', needs, ext('SIZE 1000'), null],
    ['too large', { ...needs, size: 2000 }, ext('SIZE 1000'), '5.3.4'],
    ['SIZE without a limit', { ...needs, size: 2000 }, ext('SIZE'), null],
    ['SMTPUTF8 address', { ...needs, smtputf8: true, recipients: [{ address: 'jö@y.test' }] }, ext(), '5.6.7'],
    ['SMTPUTF8 headers only', { ...needs, smtputf8: true }, ext(), '5.6.9'],
    ['SMTPUTF8 offered', { ...needs, smtputf8: true }, ext('SMTPUTF8'), null],
    ['BINARYMIME without CHUNKING', { ...needs, bodyType: 'BINARYMIME' as const }, ext('BINARYMIME'), '5.6.3'],
    ['BINARYMIME', { ...needs, bodyType: 'BINARYMIME' as const }, ext('BINARYMIME', 'CHUNKING'), null],
    ['REQUIRETLS not offered', { ...needs, requireTls: true }, ext(), '5.7.30'],
  ])('%s', (_name, input, extensions, expected) => {
    expect(unmetRequirement(input, extensions, 'mx')?.enhancedStatus ?? null).toBe(expected)
  })
})

describe('SASL and TLS helpers', () => {
  test('mechanism choice', () => {
    expect(chooseSaslMechanism(['LOGIN', 'PLAIN'])).toBe('PLAIN')
    expect(chooseSaslMechanism(['LOGIN'])).toBe('LOGIN')
    expect(chooseSaslMechanism(['CRAM-MD5'])).toBeNull()
  })
  test('PLAIN initial response (RFC 4616)', () => {
    expect(Buffer.from(plainInitialResponse('user', 'pässword'), 'base64').toString()).toBe('\0user\0pässword')
  })
  test.each([
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'certificate-host-mismatch'],
    ['CERT_HAS_EXPIRED', 'certificate-expired'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'certificate-not-trusted'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'certificate-not-trusted'],
    [null, 'certificate-not-trusted'],
  ])('%s → %s', (code, expected) => {
    expect(certificateResultType(code)).toBe(expected as ReturnType<typeof certificateResultType>)
  })
})
