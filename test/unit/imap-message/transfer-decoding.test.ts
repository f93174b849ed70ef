// Content-Transfer-Encoding decoding for BINARY (RFC 3516), RFC 2045 §6.7 and §6.8 rules.
import { describe, expect, test } from 'bun:test'
import { decodeBase64, decodeQuotedPrintable, transferEncodingOf } from '../../../src/imap/message/transfer-decoding.ts'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'))
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1')

describe('base64', () => {
  test.each<[string, string]>([
    ['SGVsbG8=', 'Hello'],
    ['SGVs\r\nbG8=\r\n', 'Hello'],
    ['SGVsbG8', 'Hello'],
    ['S G V s b G 8 =', 'Hello'],
    ['SGV*sbG8!=', 'Hello'],
    ['SGVsbG8=garbage', 'Hello'],
    ['', ''],
    ['====', ''],
    ['/w==', '\xff'],
    ['AA', '\x00'],
  ])('%p', (input, expected) => {
    expect(latin1(decodeBase64(bytes(input)))).toBe(expected)
  })

  test('all octet values', () => {
    const all = new Uint8Array(Array.from({ length: 256 }, (_, i) => i))
    const encoded = Buffer.from(all)
      .toString('base64')
      .replace(/(.{76})/g, '$1\r\n')
    expect(decodeBase64(bytes(encoded))).toEqual(all)
  })
})

describe('quoted-printable', () => {
  test.each<[string, string]>([
    ['caf=C3=A9', 'caf\xc3\xa9'],
    ['lower =c3=a9 case', 'lower \xc3\xa9 case'],
    ['a=3Db', 'a=b'],
    ['soft=\r\nbreak', 'softbreak'],
    ['soft=\nbreak', 'softbreak'],
    ['soft= \t\r\nbreak', 'softbreak'],
    ['hard\r\nbreak', 'hard\r\nbreak'],
    ['trailing   \r\nspace', 'trailing\r\nspace'],
    ['trailing\t \nspace', 'trailing\nspace'],
    ['inner  space', 'inner  space'],
    ['encoded=20\r\n', 'encoded \r\n'],
    ['bad =ZZ kept', 'bad =ZZ kept'],
    ['end =', 'end '],
    ['end =4', 'end =4'],
    ['8bit \xe9 passes', '8bit \xe9 passes'],
  ])('%p', (input, expected) => {
    expect(latin1(decodeQuotedPrintable(bytes(input)))).toBe(expected)
  })

  test('a long run of inner whitespace is decoded in linear time', () => {
    const input = bytes(`${' '.repeat(200_000)}x`)
    expect(decodeQuotedPrintable(input).length).toBe(200_001)
  })
})

describe('encoding names', () => {
  test.each<[string | undefined, string | null]>([
    [undefined, 'identity'],
    ['7BIT', 'identity'],
    ['8bit', 'identity'],
    ['Binary', 'identity'],
    ['BASE64', 'base64'],
    ['Quoted-Printable', 'quoted-printable'],
    ['x-uuencode', null],
    ['', null],
  ])('%p', (name, expected) => {
    expect(transferEncodingOf(name)).toBe(expected as ReturnType<typeof transferEncodingOf>)
  })
})
