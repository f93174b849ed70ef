// Pure pieces of the trace path: header field splitting over bytes, RFC 8601 authserv-id recognition,
// folding, and the Received / Return-Path fields.
import { describe, expect, test } from 'bun:test'
import {
  authservIdOf,
  claimsAuthservId,
  formatAuthenticationResults,
} from '../../../src/security/mailauth/authentication-results.ts'
import { foldHeaderField } from '../../../src/security/mailauth/fold-header-field.ts'
import { addressLiteral, normalizeClientIp } from '../../../src/smtp/inbound/client-address.ts'
import { fieldValue, splitHeaderFields, withoutFields } from '../../../src/smtp/inbound/header-fields.ts'
import { concatBytes } from '../../../src/smtp/inbound/message-content.ts'
import {
  formatMessageDate,
  receivedHeader,
  returnPathHeader,
  sanitizeHelo,
  withProtocol,
} from '../../../src/smtp/inbound/received-header.ts'
import { bytes, text } from './inbound-fixture.ts'

describe('splitHeaderFields', () => {
  test.each([
    ['simple', 'A: 1\r\nB: 2\r\n\r\nbody\r\n', ['a', 'b'], 12],
    ['folded field', 'Subject: a\r\n\tb\r\nTo: x\r\n\r\nbody', ['subject', 'to'], 23],
    ['no body', 'A: 1\r\nB: 2\r\n', ['a', 'b'], 12],
    ['no final line break', 'A: 1\r\nB: 2', ['a', 'b'], 10],
    ['empty message', '', [], 0],
    ['body only', '\r\nbody', [], 0],
    ['bare LF lines', 'A: 1\nB: 2\n\nbody', ['a', 'b'], 10],
    ['space before the colon (obs-optional)', 'Subject : x\r\n\r\n', ['subject'], 13],
    ['line without a colon', 'garbage line\r\nA: 1\r\n\r\n', ['', 'a'], 20],
    ['leading continuation line', ' cont\r\nA: 1\r\n\r\n', ['', 'a'], 13],
    ['8-bit name is not a name', 'Sübject: x\r\n\r\n', [''], 13],
  ])('%s', (_name, input, names, end) => {
    const section = splitHeaderFields(bytes(input))
    expect(section.fields.map(f => f.name)).toEqual(names)
    expect(section.end).toBe(end)
  })

  test('withoutFields drops whole fields (with continuation lines) and keeps every other byte', () => {
    const raw = 'Return-Path: <x@y>\r\nA: 1\r\nAuthentication-Results: mx;\r\n spf=pass\r\nB: 2\r\n\r\nbody\r\n'
    const message = bytes(raw)
    const section = splitHeaderFields(message)
    const kept = concatBytes(withoutFields(message, section, f => f.name !== 'a' && f.name !== 'b'))
    expect(text(kept)).toBe('A: 1\r\nB: 2\r\n\r\nbody\r\n')
    expect(text(concatBytes(withoutFields(message, section, () => false)))).toBe(raw)
  })

  test('fieldValue unfolds', () => {
    const message = bytes('Authentication-Results: mx.example;\r\n\tspf=pass\r\n smtp.mailfrom=a\r\n\r\n')
    const [field] = splitHeaderFields(message).fields
    expect(field && fieldValue(message, field)).toBe('mx.example;\tspf=pass smtp.mailfrom=a')
  })
})

describe('Authentication-Results authserv-id (RFC 8601 §2.2, §5)', () => {
  test.each([
    ['mx.local.test; spf=pass', 'mx.local.test'],
    ['MX.Local.Test; none', 'mx.local.test'],
    ['mx.local.test 1; dkim=pass', 'mx.local.test'],
    ['(comment) mx.local.test; spf=pass', 'mx.local.test'],
    ['(nested (comment)) mx.local.test (x); spf=pass', 'mx.local.test'],
    ['"mx.local.test"; spf=pass', 'mx.local.test'],
    ['"quoted \\" id"; spf=pass', 'quoted " id'],
    ['mx.local.test;spf=pass', 'mx.local.test'],
    ['', null],
    ['(only a comment)', null],
  ])('%s → %s', (value, id) => {
    expect(authservIdOf(value)).toBe(id)
  })

  test('claims ours only for our host name', () => {
    expect(claimsAuthservId('MX.LOCAL.TEST; spf=pass', 'mx.local.test')).toBe(true)
    expect(claimsAuthservId('mx.local.test.; spf=pass', 'mx.local.test')).toBe(true)
    expect(claimsAuthservId('mx.google.example; spf=pass', 'mx.local.test')).toBe(false)
    expect(claimsAuthservId('mx.local.test.evil.example; spf=pass', 'mx.local.test')).toBe(false)
  })

  test('formats one result per line, none when empty', () => {
    expect(formatAuthenticationResults('mx.local.test', ['spf=pass smtp.mailfrom=a.example', 'dkim=none'])).toBe(
      'Authentication-Results: mx.local.test;\r\n\tspf=pass smtp.mailfrom=a.example;\r\n\tdkim=none\r\n',
    )
    expect(formatAuthenticationResults('mx.local.test', [])).toBe('Authentication-Results: mx.local.test; none\r\n')
    expect(formatAuthenticationResults('odd id', [])).toBe('Authentication-Results: "odd id"; none\r\n')
  })
})

describe('foldHeaderField', () => {
  test('folds long lines before white space, each line ≤ 78 when possible, unfolds back', () => {
    const long = `X-Test: ${Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')}`
    const folded = foldHeaderField(long)
    for (const line of folded.split('\r\n').filter(l => l !== '')) expect(line.length).toBeLessThanOrEqual(78)
    expect(folded.endsWith('\r\n')).toBe(true)
    expect(folded.slice(0, -2).replace(/\r\n(?=[ \t])/g, '')).toBe(long)
  })

  test('a word longer than the line stays whole', () => {
    const folded = foldHeaderField(`X: ${'a'.repeat(200)} b`)
    expect(folded).toBe(`X: ${'a'.repeat(200)}\r\n b\r\n`)
  })

  test('stray CR / LF cannot start a new field', () => {
    expect(foldHeaderField('X: a\r\nBcc: victim@example\nY: z\r')).toBe('X: a Bcc: victim@example Y: z \r\n')
  })

  test.each([
    ['short', 'Subject: hi'],
    ['runs of spaces', `X: ${'ab  '.repeat(40)}`],
    ['tabs', `X:\t${'word\t'.repeat(30)}`],
    ['already folded', `Authentication-Results: mx.example;\r\n\t${'spf=pass smtp.mailfrom=a@b.example '.repeat(4)}`],
    ['name then a long word', `X-Long: ${'x'.repeat(100)} tail`],
    ['leading spaces', `X:     ${'y'.repeat(90)}`],
    ['no-break space is not white space', `X:\u00a0 ${'z '.repeat(50)}`],
    ['bare line ends', `X: a\rb\nc\r\n d ${'e '.repeat(40)}\n\tf`],
    ['only white space', `X: ${' '.repeat(120)}`],
  ])('%s: the same folding as the regular-expression reference', (_name, field) => {
    for (const width of [78, 20, 5]) expect(foldHeaderField(field, width)).toBe(referenceFold(field, width))
  })

  test('random fields fold as the reference does', () => {
    const alphabet = ['a', 'b', ' ', ' ', '\t', '\r\n ', '\n', '\r', ':', '\u00a0', 'é']
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let n = 0; n < 500; n++) {
      let field = 'X-Random: '
      const length = Math.floor(random() * 200)
      for (let i = 0; i < length; i++) field += alphabet[Math.floor(random() * alphabet.length)]
      const width = 10 + Math.floor(random() * 80)
      expect(foldHeaderField(field, width)).toBe(referenceFold(field, width))
    }
  })
})

/** The earlier regular-expression implementation, kept as the reference the scanner must match. */
function referenceFold(field: string, width: number): string {
  if (field.length <= width && !/[\r\n]/.test(field)) return `${field}\r\n`
  const safe = field.replace(/\r\n(?=[ \t])/g, '\n').replace(/\r\n|\r|\n(?![ \t])/g, ' ')
  const out: string[] = []
  for (const physical of safe.split('\n')) {
    let line = ''
    for (const word of physical.match(/[ \t]?[^ \t]*/g)?.filter(p => p !== '') ?? []) {
      if (line.length + word.length > width && /^[ \t]/.test(word) && /\S[ \t]+\S/.test(line)) {
        out.push(line)
        line = word
      } else line += word
    }
    out.push(line)
  }
  return `${out.join('\r\n')}\r\n`
}

describe('Received', () => {
  const base = {
    helo: 'mail.sender.example',
    ip: '192.0.2.10',
    clientName: 'mail.sender.example',
    hostname: 'mx.local.test',
    protocol: 'ESMTPS',
    id: 'c0ffee',
    tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    recipient: 'bob@local.test',
    date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  }

  test('RFC 5321 §4.4 Stamp with TLS comment, folded', () => {
    const field = receivedHeader(base)
    expect(field.replace(/\r\n(?=[ \t])/g, '')).toBe(
      'Received: from mail.sender.example (mail.sender.example [192.0.2.10]) by mx.local.test with ESMTPS id c0ffee ' +
        '(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384) for <bob@local.test>; Fri, 2 Jan 2026 03:04:05 +0000\r\n',
    )
    for (const line of field.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78)
  })

  test('no reverse name, no TLS, several recipients, IPv6 and mapped IPv4', () => {
    const plain = receivedHeader({ ...base, clientName: null, tls: null, recipient: null, protocol: 'ESMTP' })
    expect(plain.replace(/\r\n(?=[ \t])/g, '')).toBe(
      'Received: from mail.sender.example ([192.0.2.10]) by mx.local.test with ESMTP id c0ffee; Fri, 2 Jan 2026 03:04:05 +0000\r\n',
    )
    expect(receivedHeader({ ...base, ip: '2001:db8::1', clientName: null })).toContain('([IPv6:2001:db8::1])')
    expect(receivedHeader({ ...base, ip: '::ffff:192.0.2.7', clientName: null })).toContain('([192.0.2.7])')
  })

  test.each([
    ['evil) (fake comment', 'evil??(fake?comment'.replace('(', '?')],
    ['host\r\nBcc: x', 'host??Bcc:?x'],
    ['[192.0.2.1]', '[192.0.2.1]'],
    ['', 'unknown'],
    ['ünïcode.example', '?n?code.example'],
  ])('HELO %j is sanitised to %j', (helo, expected) => {
    expect(sanitizeHelo(helo)).toBe(expected)
    expect(
      receivedHeader({ ...base, helo })
        .split('\r\n')
        .filter(l => /^[A-Za-z]/.test(l)),
    ).toHaveLength(1)
  })

  test.each([
    [{ esmtp: false, tls: false, authenticated: false, smtputf8: false }, 'SMTP'],
    [{ esmtp: true, tls: false, authenticated: false, smtputf8: false }, 'ESMTP'],
    [{ esmtp: true, tls: true, authenticated: false, smtputf8: false }, 'ESMTPS'],
    [{ esmtp: true, tls: false, authenticated: true, smtputf8: false }, 'ESMTPA'],
    [{ esmtp: true, tls: true, authenticated: true, smtputf8: false }, 'ESMTPSA'],
    [{ esmtp: true, tls: true, authenticated: true, smtputf8: true }, 'UTF8SMTPSA'],
    [{ esmtp: true, tls: false, authenticated: false, smtputf8: true }, 'UTF8SMTP'],
  ])('with %j → %s (RFC 3848, RFC 6531 §3.7.3)', (flags, expected) => {
    expect(withProtocol(flags)).toBe(expected)
  })

  test('RFC 5322 §3.3 dates', () => {
    expect(formatMessageDate(new Date(Date.UTC(2025, 3, 1, 8, 0, 0)))).toBe('Tue, 1 Apr 2025 08:00:00 +0000')
    expect(formatMessageDate(new Date(Date.UTC(2026, 11, 31, 23, 59, 59)))).toBe('Thu, 31 Dec 2026 23:59:59 +0000')
  })

  test('Return-Path', () => {
    expect(returnPathHeader('ann@sender.example')).toBe('Return-Path: <ann@sender.example>\r\n')
    expect(returnPathHeader('')).toBe('Return-Path: <>\r\n')
    expect(returnPathHeader('a>\r\nBcc: x@y')).toBe('Return-Path: <aBcc: x@y>\r\n')
  })

  test('client address forms', () => {
    expect(normalizeClientIp('::ffff:10.0.0.1')).toBe('10.0.0.1')
    expect(normalizeClientIp('2001:db8::5')).toBe('2001:db8::5')
    expect(addressLiteral('not an ip')).toBe('[unknown]')
  })
})
