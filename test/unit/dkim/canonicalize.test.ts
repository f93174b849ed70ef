// DKIM canonicalization (RFC 6376 §3.4) and header parsing as tables: the §3.4.5 example, trailing
// and repeated WSP, empty and WSP-only lines, folded fields, name case, 8-bit bytes, bare LF,
// missing final CRLF, empty bodies, and known body hashes.
import { describe, expect, test } from 'bun:test'
import {
  type Canonicalization,
  canonicalizeBody,
  canonicalizeHeaderField,
} from '../../../src/delivery/dkim/canonicalize.ts'
import { readRawHeaderFields } from '../../../src/delivery/dkim/raw-header-fields.ts'

/** Byte strings are written as latin1: one char per byte, so "\xc3\xa0" is UTF-8 "à". */
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'))
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1')
const body = (s: string, mode: Canonicalization) => text(canonicalizeBody(bytes(s), mode))
const sha256 = (b: Uint8Array) => new Bun.CryptoHasher('sha256').update(b).digest('base64')

describe('RFC 6376 §3.4.5 example', () => {
  const message = 'A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n'
  const parsed = readRawHeaderFields(bytes(message))
  const section = (mode: Canonicalization) => parsed.fields.map(f => canonicalizeHeaderField(f.raw, mode)).join('')
  const rest = message.slice(parsed.bodyOffset)

  test('relaxed header and body', () => {
    expect(section('relaxed')).toBe('a:X\r\nb:Y Z\r\n')
    expect(body(rest, 'relaxed')).toBe(' C\r\nD E\r\n')
  })
  test('simple header and body', () => {
    expect(section('simple')).toBe('A: X\r\nB : Y\t\r\n\tZ  \r\n')
    expect(body(rest, 'simple')).toBe(' C \r\nD \t E\r\n')
  })
})

describe('relaxed header field (§3.4.2)', () => {
  test.each([
    ['Subject: hello', 'subject:hello\r\n'],
    ['SUBJECT:hello', 'subject:hello\r\n'],
    ['Message-ID: <AbC@Example.TEST>', 'message-id:<AbC@Example.TEST>\r\n'],
    ['Subject:   spaced   out  \t ', 'subject:spaced out\r\n'],
    ['Subject : before colon', 'subject:before colon\r\n'],
    ['Subject:\t\ttabs\tinside', 'subject:tabs inside\r\n'],
    ['Subject:', 'subject:\r\n'],
    ['Subject:   ', 'subject:\r\n'],
    ['To: <a@b.test>,\r\n <c@d.test>,\r\n\t<e@f.test>', 'to:<a@b.test>, <c@d.test>, <e@f.test>\r\n'],
    ['X-Folded:\r\n value on the next line', 'x-folded:value on the next line\r\n'],
    ['X-Folded: a\r\n \r\n b', 'x-folded:a b\r\n'],
    // 8-bit (RFC 6532): bytes are kept; 0xA0 (a UTF-8 continuation byte, NBSP in latin1) is no WSP.
    ['Subject: caf\xc3\xa0', 'subject:caf\xc3\xa0\r\n'],
    ['Subject: \xa0x\xa0 ', 'subject:\xa0x\xa0\r\n'],
    ['Subject: a\x0bb\x0c', 'subject:a\x0bb\x0c\r\n'],
  ])('%j → %j', (raw, expected) => {
    expect(canonicalizeHeaderField(raw, 'relaxed')).toBe(expected)
  })
})

describe('simple header field (§3.4.1)', () => {
  test.each([
    ['Subject:  as   is ', 'Subject:  as   is \r\n'],
    ['To: a,\r\n\tb', 'To: a,\r\n\tb\r\n'],
    ['SUBJECT: Case', 'SUBJECT: Case\r\n'],
  ])('%j → %j', (raw, expected) => {
    expect(canonicalizeHeaderField(raw, 'simple')).toBe(expected)
  })
})

describe('relaxed body (§3.4.4)', () => {
  test.each([
    ['', ''],
    ['\r\n', ''],
    ['\r\n\r\n\r\n', ''],
    [' \t \r\n', ''],
    ['\r\n \r\n\t\r\n', ''],
    ['a', 'a\r\n'],
    ['a \t ', 'a\r\n'],
    ['a\r\n', 'a\r\n'],
    ['a \t b  \r\n', 'a b\r\n'],
    ['  leading\r\n', ' leading\r\n'],
    ['a\r\n \r\nb\r\n', 'a\r\n\r\nb\r\n'],
    ['a\r\n\r\n\r\nb\r\n\r\n', 'a\r\n\r\n\r\nb\r\n'],
    ['a \r\nx\t', 'a\r\nx\r\n'],
    ['a\nb\n\n', 'a\r\nb\r\n'],
    ['a \nb\r\n', 'a\r\nb\r\n'],
    ['a\rb\r\n', 'a\rb\r\n'],
    ['a\r', 'a\r\r\n'],
    ['caf\xc3\xa9  ok\xa0\r\n', 'caf\xc3\xa9 ok\xa0\r\n'],
    // Already canonical (returned as it is) next to near misses that must be rewritten.
    [' x\r\nbase64/+=\r\n', ' x\r\nbase64/+=\r\n'],
    ['a\nb\r\n', 'a\r\nb\r\n'],
    ['\nx\r\n', '\r\nx\r\n'],
    ['x\r\n\n', 'x\r\n'],
    ['x\r\n\r\n', 'x\r\n'],
    ['x \r\ny\r\n', 'x\r\ny\r\n'],
    ['x\r\r\n', 'x\r\r\n'],
  ])('%j → %j', (input, expected) => {
    expect(body(input, 'relaxed')).toBe(expected)
  })
})

describe('simple body (§3.4.3)', () => {
  test.each([
    ['', '\r\n'],
    ['\r\n', '\r\n'],
    ['\r\n\r\n\r\n', '\r\n'],
    ['a', 'a\r\n'],
    ['a  \r\n\r\n', 'a  \r\n'],
    [' \r\n', ' \r\n'],
    ['\r\nx\r\n', '\r\nx\r\n'],
    ['a\n\nb\n\n', 'a\r\n\r\nb\r\n'],
    ['a\rb', 'a\rb\r\n'],
  ])('%j → %j', (input, expected) => {
    expect(body(input, 'simple')).toBe(expected)
  })
})

describe('body hashes', () => {
  test('an empty body: "\\r\\n" for simple, nothing for relaxed (RFC 6376 §3.4.3, errata 1384)', () => {
    expect(sha256(canonicalizeBody(new Uint8Array(), 'simple'))).toBe('frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=')
    expect(sha256(canonicalizeBody(new Uint8Array(), 'relaxed'))).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
  })
  test('the RFC 8463 Appendix A body', () => {
    const b = bytes('Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n')
    expect(sha256(canonicalizeBody(b, 'relaxed'))).toBe('2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=')
  })
  test('a body with bare LFs hashes like its CRLF form', () => {
    const lf = canonicalizeBody(bytes('one  \ntwo\n\n'), 'relaxed')
    expect(sha256(lf)).toBe(sha256(canonicalizeBody(bytes('one\r\ntwo\r\n'), 'relaxed')))
  })
})

describe('readRawHeaderFields', () => {
  const names = (s: string) => readRawHeaderFields(bytes(s)).fields.map(f => f.name)

  test('fields in order, folding kept with CRLF, body offset after the empty line', () => {
    const m = 'From: a@b.test\r\nSubject: one\r\n two\r\n\r\nbody\r\n'
    const r = readRawHeaderFields(bytes(m))
    expect(r.fields).toEqual([
      { name: 'from', raw: 'From: a@b.test' },
      { name: 'subject', raw: 'Subject: one\r\n two' },
    ])
    expect(m.slice(r.bodyOffset)).toBe('body\r\n')
  })
  test('bare LF line ends: folding rejoined with CRLF', () => {
    const m = 'From: a@b.test\nSubject: one\n\ttwo\n\nbody\n'
    const r = readRawHeaderFields(bytes(m))
    expect(r.fields[1]).toEqual({ name: 'subject', raw: 'Subject: one\r\n\ttwo' })
    expect(m.slice(r.bodyOffset)).toBe('body\n')
  })
  test.each([
    ['no empty line: all header, empty body', 'From: a@b.test\r\nTo: c@d.test\r\n', 30],
    ['no final line end', 'From: a@b.test', 14],
    ['empty body after the empty line', 'From: a@b.test\r\n\r\n', 18],
    ['no header at all', '\r\nbody', 2],
    ['empty message', '', 0],
  ])('%s', (_, m, offset) => {
    expect(readRawHeaderFields(bytes(m)).bodyOffset).toBe(offset)
  })
  test.each([
    ['names are lower-cased, WSP before the colon dropped', 'FROM: x\r\nSubject : y\r\n\r\n', ['from', 'subject']],
    ['a line without a colon is no field', 'From x Mon Jan 1\r\nFrom: x\r\n\r\n', ['from']],
    ['a continuation before any field belongs to nothing', ' orphan\r\nTo: x\r\n\r\n', ['to']],
    ['an empty name is no field', ': x\r\nTo: y\r\n\r\n', ['to']],
    ['duplicates are all kept', 'To: a\r\nTo: b\r\nCc: c\r\n\r\n', ['to', 'to', 'cc']],
    ['a header in the body is body', 'To: a\r\n\r\nFrom: b\r\n', ['to']],
  ])('%s', (_, m, expected) => {
    expect(names(m)).toEqual(expected)
  })
  test('8-bit header bytes survive as latin1 text', () => {
    const r = readRawHeaderFields(new Uint8Array(Buffer.from('Subject: café ☕\r\n\r\n')))
    expect(Buffer.from(r.fields[0]?.raw ?? '', 'latin1').toString('utf8')).toBe('Subject: café ☕')
  })
})
