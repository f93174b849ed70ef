// xtext (RFC 3461 §4) and utf-8-addr-xtext (RFC 6533 §3): round trips and malformed input.
import { describe, expect, test } from 'bun:test'
import { SmtpReplyError } from '../../../src/smtp/protocol/reply-error.ts'
import {
  decodeUtf8AddrXtext,
  decodeXtext,
  decodeXtextBytes,
  encodeUtf8AddrXtext,
  encodeXtext,
} from '../../../src/smtp/protocol/xtext.ts'

describe('xtext', () => {
  const pairs: [string, string][] = [
    ['', ''],
    ['plain@example.com', 'plain@example.com'],
    ['a+b@example.com', 'a+2Bb@example.com'],
    ['key=value', 'key+3Dvalue'],
    ['with space', 'with+20space'],
    ['tab\tand\r\nnewline', 'tab+09and+0D+0Anewline'],
    ['pelé', 'pel+C3+A9'],
    ['~!"#', '~!"#'],
  ]

  test.each(pairs)('%p ⇄ %p', (plain, encoded) => {
    expect(encodeXtext(plain)).toBe(encoded)
    expect(decodeXtext(encoded)).toBe(plain)
  })

  test('lower-case hex is accepted on input', () => {
    expect(decodeXtext('a+2bb')).toBe('a+b')
  })

  test('every byte value round-trips', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const encoded = encodeXtext(all)
    expect(encoded).toMatch(/^[\x21-\x7e]*$/)
    expect(decodeXtextBytes(encoded)).toEqual(all)
  })

  const malformed: [string, string][] = [
    ['"+" at the end', 'abc+'],
    ['"+" with one hex digit', 'abc+4'],
    ['"+" with non-hex', 'has+zz'],
    ['raw "="', 'a=b'],
    ['raw space', 'a b'],
    ['raw control', 'a\x01b'],
    ['raw non-ASCII', 'pelé'],
    ['decodes to invalid UTF-8', 'a+FF'],
  ]
  test.each(malformed)('malformed: %s', (_label, text) => {
    let error: unknown
    try {
      decodeXtext(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SmtpReplyError)
    expect((error as SmtpReplyError).codes.smtp).toEqual([501, '5.5.4'])
  })

  test('decodeXtextBytes allows bytes that are not UTF-8', () => {
    expect(decodeXtextBytes('a+FF')).toEqual(Uint8Array.of(0x61, 0xff))
  })
})

describe('utf-8-addr-xtext', () => {
  const pairs: [string, string, boolean][] = [
    ['jörg@example.de', 'j\\x{F6}rg@example.de', false],
    ['jörg@example.de', 'jörg@example.de', true],
    ['a+b=c@example.com', 'a\\x{2B}b\\x{3D}c@example.com', false],
    ['back\\slash@example.com', 'back\\x{5C}slash@example.com', false],
    ['😀@example.com', '\\x{1F600}@example.com', false],
  ]
  test.each(pairs)('%p ⇄ %p (unitext %p)', (plain, encoded, unitext) => {
    expect(encodeUtf8AddrXtext(plain, unitext)).toBe(encoded)
    expect(decodeUtf8AddrXtext(encoded)).toBe(plain)
  })

  test.each([
    ['raw "+"', 'a+b@c'],
    ['raw "="', 'a=b@c'],
    ['lone backslash', 'a\\b@c'],
    ['unterminated escape', 'a\\x{F6@c'],
    ['empty escape', 'a\\x{}@c'],
    ['code point too large', 'a\\x{110000}@c'],
    ['surrogate code point', 'a\\x{D800}@c'],
    ['space', 'a b@c'],
  ])('malformed: %s', (_label, text) => {
    expect(() => decodeUtf8AddrXtext(text)).toThrow(SmtpReplyError)
  })
})
