import { describe, expect, test } from 'bun:test'
import { decodeCharset, decodeWords, encodeWords } from '../../../src/imap/message/encoded-words.ts'

describe('RFC 2047 decoding', () => {
  test.each<[string, string]>([
    ['=?UTF-8?Q?Olivia_=C3=96berg?=', 'Olivia Öberg'],
    ['=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?= <paf@x>', 'Patrik Fältström <paf@x>'],
    ['=?utf-8?b?4pyTIFN1YmplY3Q=?=', '✓ Subject'],
    // §6.2: whitespace between adjacent encoded-words disappears; other text stays.
    ['=?utf-8?q?a?= =?utf-8?q?b?=', 'ab'],
    ['=?utf-8?q?a?=\r\n =?utf-8?q?b?=', 'ab'],
    ['=?utf-8?q?a?= plain =?utf-8?q?b?=', 'a plain b'],
    // RFC 2231 §5 language suffix.
    ['=?utf-8*en?q?hello?=', 'hello'],
    // Unknown charsets and malformed words are left as written.
    ['=?x-unknown?q?abc?=', '=?x-unknown?q?abc?='],
    ['=?utf-8?x?abc?=', '=?utf-8?x?abc?='],
    ['no words here', 'no words here'],
    ['=?utf-8?q??=', ''],
  ])('%p', (input, expected) => {
    expect(decodeWords(input)).toBe(expected)
  })
})

describe('RFC 2047 encoding', () => {
  test.each(['', 'ascii', '€ Rechnung', 'Ü'.repeat(80), '日本語のファイル名'.repeat(5), '😀 emoji 😀'])(
    '%p round-trips',
    text => {
      const encoded = encodeWords(text)
      for (const word of encoded.split(' ')) expect(word.length).toBeLessThanOrEqual(75)
      expect(decodeWords(encoded)).toBe(text)
    },
  )
})

describe('charsets', () => {
  test.each<[number[], string, string | null]>([
    [[0xe9], 'iso-8859-1', 'é'],
    [[0xc3, 0xa9], 'UTF-8', 'é'],
    [[0x41], 'us-ascii', 'A'],
    [[0x41], '', 'A'],
    [[0xe9], 'windows-1252', 'é'],
    [[0x41], 'no-such-charset', null],
  ])('%p in %p', (bytes, charset, expected) => {
    expect(decodeCharset(new Uint8Array(bytes), charset)).toBe(expected)
  })
})
