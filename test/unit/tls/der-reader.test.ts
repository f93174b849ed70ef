// The DER reader behind certificate inspection: tables of well-formed and malformed TLVs, OIDs and times.
import { describe, expect, test } from 'bun:test'
import {
  DerError,
  bitStringBytes,
  decodeOid,
  decodeTime,
  derChildren,
  readDer,
  readDerDocument,
} from '../../../src/security/tls/der-reader.ts'

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

describe('readDer', () => {
  test.each([
    ['short length', '0403 aabbcc', 0x04, 'aabbcc'],
    ['empty value', '0500', 0x05, ''],
    ['long length, one octet', `0481 80 ${'00'.repeat(128)}`, 0x04, '00'.repeat(128)],
    ['long length, two octets', `0482 0100 ${'11'.repeat(256)}`, 0x04, '11'.repeat(256)],
    ['context tag [3] constructed', 'a303 020101', 0xa3, '020101'],
  ])('%s', (_name, input, tag, content) => {
    const node = readDer(hex(input))
    expect(node.tag).toBe(tag)
    expect(toHex(node.content)).toBe(content)
    expect(node.raw.length).toBe(hex(input).length)
  })

  test.each([
    ['empty input', ''],
    ['tag without length', '30'],
    ['value shorter than its length', '0405 aabb'],
    ['long length cut off', '0482 01'],
    ['indefinite length (BER, not DER)', '3080 0000'],
    ['length of five octets', '0485 0000000001 00'],
    ['high tag number form', '1f81 00'],
  ])('%s is a DerError', (_name, input) => {
    expect(() => readDer(hex(input))).toThrow(DerError)
  })

  test('readDerDocument refuses trailing bytes', () => {
    expect(() => readDerDocument(hex('0500 00'))).toThrow('1 bytes after the DER value')
    expect(readDerDocument(hex('0500')).tag).toBe(0x05)
  })
})

describe('derChildren', () => {
  test('splits a SEQUENCE into its TLVs', () => {
    const children = derChildren(readDer(hex('3008 020101 0403 aabbcc')))
    expect(children.map(c => [c.tag, toHex(c.content)])).toEqual([
      [0x02, '01'],
      [0x04, 'aabbcc'],
    ])
  })

  test.each([
    ['a child that runs past its parent', '3004 0205 0102'],
    ['a primitive node', '0401 00'],
    ['garbage inside', '3002 1fff'],
  ])('%s is a DerError', (_name, input) => {
    expect(() => derChildren(readDer(hex(input)))).toThrow(DerError)
  })
})

describe('decodeOid', () => {
  test.each([
    ['06 09 2a864886f70d01010b', '1.2.840.113549.1.1.11'],
    ['06 03 551d11', '2.5.29.17'],
    ['06 03 2b6570', '1.3.101.112'],
    ['06 0a 0992268993f22c640119', '0.9.2342.19200300.100.1.25'],
    ['06 03 883703', '2.999.3'],
  ])('%s → %s', (input, oid) => {
    expect(decodeOid(readDer(hex(input)))).toBe(oid)
  })

  test.each([
    ['empty', '0600'],
    ['last arc unterminated', '0602 2a86'],
    ['non-minimal arc (leading 0x80)', '0603 2a8001'],
    ['not an OID tag', '0401 2a'],
  ])('%s is refused', (_name, input) => {
    expect(() => decodeOid(readDer(hex(input)))).toThrow(DerError)
  })
})

describe('decodeTime', () => {
  const time = (tag: number, text: string) => {
    const body = Buffer.from(text)
    return readDer(new Uint8Array([tag, body.length, ...body]))
  }

  test.each([
    [0x17, '491231235959Z', '2049-12-31T23:59:59.000Z'],
    [0x17, '500101000000Z', '1950-01-01T00:00:00.000Z'],
    [0x17, '260301120000Z', '2026-03-01T12:00:00.000Z'],
    [0x18, '20810831223736Z', '2081-08-31T22:37:36.000Z'],
    [0x18, '99991231235959Z', '9999-12-31T23:59:59.000Z'],
  ])('tag 0x%s %s', (tag, text, iso) => {
    expect(decodeTime(time(tag, text)).toISOString()).toBe(iso)
  })

  test.each([
    [0x17, '2603011200Z', 'no seconds'],
    [0x17, '260301120000', 'no Z'],
    [0x17, '260301120000+0100', 'offset'],
    [0x17, '260230120000Z', 'February 30'],
    [0x17, '261301120000Z', 'month 13'],
    [0x17, '260301246000Z', 'hour 24'],
    [0x18, '260301120000Z', 'GeneralizedTime with a two-digit year'],
    [0x04, '260301120000Z', 'not a time tag'],
  ])('tag 0x%s %s (%s) is refused', (tag, text) => {
    expect(() => decodeTime(time(tag, text))).toThrow(DerError)
  })
})

describe('bitStringBytes', () => {
  test('drops the unused-bits octet', () => {
    expect(toHex(bitStringBytes(readDer(hex('0303 00abcd'))))).toBe('abcd')
  })
  test.each([
    ['unused bits', '0302 0380'],
    ['empty', '0300'],
    ['wrong tag', '0402 00ab'],
  ])('%s is refused', (_name, input) => {
    expect(() => bitStringBytes(readDer(hex(input)))).toThrow(DerError)
  })
})
