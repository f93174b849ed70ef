// Content-* field parsing: RFC 2045 §5.1 syntax (comments, quoting), RFC 2231 parameters, and the
// malformed inputs real mailers send. Inputs are binary strings, as the parser sees header text.
import { describe, expect, test } from 'bun:test'
import {
  parseContentType,
  parseDisposition,
  parseLanguage,
  parseTransferEncoding,
} from '../../../src/imap/message/content-headers.ts'
import { analyzeMessage, partFilename } from '../../../src/imap/message/index.ts'
import { bytesOf } from './helpers/fixtures.ts'

const b64word = (s: string) => `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`
const binary = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

describe('Content-Type', () => {
  test.each<[string, ReturnType<typeof parseContentType>]>([
    ['text/plain', { type: 'text', subtype: 'plain', params: [] }],
    ['TEXT/HTML; CHARSET=UTF-8', { type: 'TEXT', subtype: 'HTML', params: [['CHARSET', 'UTF-8']] }],
    // RFC 2045 §5.1: `text/plain; charset=us-ascii (Plain text)` equals `charset="us-ascii"`.
    [
      'text/plain; charset=us-ascii (Plain text)',
      { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] },
    ],
    [' text / plain ( c ) ; charset = "x" ', { type: 'text', subtype: 'plain', params: [['charset', 'x']] }],
    ['multipart/mixed; boundary="a;b c"', { type: 'multipart', subtype: 'mixed', params: [['boundary', 'a;b c']] }],
    [
      'multipart/mixed;\r\n boundary="----=_Part_1"',
      { type: 'multipart', subtype: 'mixed', params: [['boundary', '----=_Part_1']] },
    ],
    ['text/plain; name="quoted\\"pair"', { type: 'text', subtype: 'plain', params: [['name', 'quoted"pair']] }],
    // Broken but common: unquoted encoded-word (Dovecot's `name==?` workaround) and tspecials.
    ['text/plain; name==?utf-8?B?Zm9v?=', { type: 'text', subtype: 'plain', params: [['name', '=?utf-8?B?Zm9v?=']] }],
    ['application/pdf; name=a/b@c.pdf', { type: 'application', subtype: 'pdf', params: [['name', 'a/b@c.pdf']] }],
    ['text/plain; ; ;charset=x;', { type: 'text', subtype: 'plain', params: [['charset', 'x']] }],
    ['text/plain; name="unterminated', { type: 'text', subtype: 'plain', params: [['name', 'unterminated']] }],
    ['text/plain; novalue; charset=x', { type: 'text', subtype: 'plain', params: [['charset', 'x']] }],
    ['text/plain garbage; charset=x', { type: 'text', subtype: 'plain', params: [['charset', 'x']] }],
    ['text/plain; =x; charset=y', { type: 'text', subtype: 'plain', params: [['charset', 'y']] }],
    [binary('text/plain; name="Grüße.txt"'), { type: 'text', subtype: 'plain', params: [['name', 'Grüße.txt']] }],
  ])('%p', (input, expected) => {
    expect(parseContentType(input)).toEqual(expected)
  })

  test.each(['', 'text', '/plain', 'text/', ';', '(comment only)', '"text/plain"', 'text plain'])(
    'invalid %p',
    input => {
      expect(parseContentType(input)).toBeNull()
    },
  )
})

describe('RFC 2231 parameters', () => {
  const params = (tail: string) => parseContentType(`application/octet-stream; ${tail}`)?.params
  test.each<[string, Array<[string, string]>]>([
    ["name*=utf-8''%E2%82%AC.txt", [['name', b64word('€.txt')]]],
    ["name*=iso-8859-1'fr'%E9t%E9.txt", [['name', b64word('été.txt')]]],
    ["name*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", [['name', 'This is ***fun***']]],
    // §3 continuations, also out of order, with and without encoding.
    ['name*0="abc"; name*1="def"', [['name', 'abcdef']]],
    ['name*1="def"; name*0="abc"', [['name', 'abcdef']]],
    ['name*0*=utf-8\'\'%E2%82%AC; name*1=" rest"; name*2*=%21', [['name', b64word('€ rest!')]]],
    // A non-extended section keeps "%" literally (§4.1).
    ['name*0*=us-ascii\'\'a%41; name*1="%41"', [['name', 'aA%41']]],
    // A plain value next to the extended one of the same name gives way.
    ['filename="fallback.txt"; filename*=utf-8\'\'real.txt', [['filename', 'real.txt']]],
    ['filename*=utf-8\'\'real.txt; filename="fallback.txt"', [['filename', 'real.txt']]],
    // Not RFC 2231 after all: a gap, or an unknown charset — kept as sent (Dovecot does the same).
    [
      'name*0=a; name*2=c',
      [
        ['name*0', 'a'],
        ['name*2', 'c'],
      ],
    ],
    ["name*=x-unknown''%41", [['name*', "x-unknown''%41"]]],
    // No charset/language quote marks: the value is just percent-decoded.
    ['name*=plain%20value', [['name', 'plain value']]],
    // Other parameters keep their places.
    [
      'a=1; name*0=x; b=2; name*1=y',
      [
        ['a', '1'],
        ['name', 'xy'],
        ['b', '2'],
      ],
    ],
  ])('%s', (tail, expected) => {
    expect(params(tail)).toEqual(expected)
  })

  test('long decoded values are split into encoded-words of at most 75 characters', () => {
    const name = 'Ü'.repeat(100)
    const value = params(`name*=utf-8''${encodeURIComponent(name)}`)?.[0]?.[1] ?? ''
    const words = value.split(' ')
    expect(words.length).toBeGreaterThan(1)
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75)
  })
})

describe('other Content-* fields', () => {
  test.each<[string, string | null]>([
    ['base64', 'base64'],
    [' BASE64 (comment)', 'BASE64'],
    ['quoted-printable', 'quoted-printable'],
    ['?invalid', null],
    ['7bit junk', null],
    ['', null],
  ])('Content-Transfer-Encoding %p', (input, expected) => {
    expect(parseTransferEncoding(input)).toBe(expected)
  })

  test.each<[string, ReturnType<typeof parseDisposition>]>([
    ['attachment; filename="a.txt"', { type: 'attachment', params: [['filename', 'a.txt']] }],
    ['INLINE', { type: 'INLINE', params: [] }],
    [
      'attachment;\r\n filename*0="a"; filename*1="b"; size=12',
      {
        type: 'attachment',
        params: [
          ['filename', 'ab'],
          ['size', '12'],
        ],
      },
    ],
    ['', null],
    [';filename=x', null],
  ])('Content-Disposition %p', (input, expected) => {
    expect(parseDisposition(input)).toEqual(expected)
  })

  test.each<[string, string[] | null]>([
    ['en, fi, se', ['en', 'fi', 'se']],
    ['en-US (English)', ['en-US']],
    ['', null],
    [',', null],
  ])('Content-Language %p', (input, expected) => {
    expect(parseLanguage(input)).toEqual(expected)
  })
})

describe('part file names for display', () => {
  const part = (header: string) => analyzeMessage(bytesOf(`${header}\r\n\r\nbody\r\n`)).tree
  test.each<[string, string | null]>([
    ['Content-Disposition: attachment; filename="a.pdf"', 'a.pdf'],
    ['Content-Type: application/pdf; name="=?utf-8?Q?Gr=C3=BC=C3=9Fe?=.pdf"', 'Grüße.pdf'],
    ["Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf", '€.pdf'],
    ['Content-Type: application/pdf', null],
  ])('%s', (header, expected) => {
    expect(partFilename(part(header))).toBe(expected)
  })
})
