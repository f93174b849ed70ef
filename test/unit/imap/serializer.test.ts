import { describe, expect, test } from 'bun:test'
import {
  NIL,
  continuationRequest,
  dateTimeValue,
  flagListValue,
  formatAstring,
  formatFlagList,
  formatString,
  list,
  literal,
  mailboxValue,
  nstr,
  raw,
  responseCode,
  saslChallenge,
  serializeValues,
  str,
  taggedResponse,
  untagged,
  untaggedResponse,
} from '../../../src/imap/protocol/serializer.ts'
import { bytes } from './helpers/receive.ts'

const latin1 = new TextDecoder('latin1')
const wire = (value: Uint8Array) => latin1.decode(value)

describe('strings: quoted when safe, literal otherwise', () => {
  test.each([
    ['abc', '"abc"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\r\nbreak', '{11}\r\nline\r\nbreak'],
    ['bare\nLF', '{7}\r\nbare\nLF'],
    ['nul\0', '{4}\r\nnul\0'],
    ['é', '{2}\r\n\u00c3\u00a9'],
    ['x'.repeat(1025), `{1025}\r\n${'x'.repeat(1025)}`],
  ])('%p → %p', (value, expected) => {
    expect(wire(serializeValues([str(value)]))).toBe(expected)
  })

  test('UTF-8 may be quoted once UTF8=ACCEPT is enabled', () => {
    expect(new TextDecoder().decode(serializeValues([str('Entwürfe')], { utf8: true }))).toBe('"Entwürfe"')
    expect(wire(serializeValues([str('a\r\nb')], { utf8: true }))).toBe('{4}\r\na\r\nb')
  })

  test('byte strings: 7-bit quoted, 8-bit as literal, byte-exact', () => {
    expect(wire(serializeValues([str(bytes('a"b'))]))).toBe('"a\\"b"')
    const eightBit = bytes([0xff, 0x00, 0x80])
    expect([...serializeValues([str(eightBit)])]).toEqual([...bytes('{3}\r\n'), 0xff, 0x00, 0x80])
  })

  test('formatString and formatAstring', () => {
    expect(formatString('a b')).toBe('"a b"')
    expect(formatString('a\r\n')).toBe('{3}\r\na\r\n')
    expect(formatAstring('Subject')).toBe('Subject')
    expect(formatAstring('a]b')).toBe('a]b')
    expect(formatAstring('a b')).toBe('"a b"')
    expect(formatAstring('(x)')).toBe('"(x)"')
    expect(formatAstring('')).toBe('""')
  })
})

describe('values and lines', () => {
  test('an untagged FETCH with nstring, list, literal and literal8', () => {
    const body = bytes('Subject: x\r\n\r\n', [0xe9])
    const line = untagged([
      raw(12),
      raw('FETCH'),
      list([
        raw('UID'),
        raw(5),
        raw('FLAGS'),
        flagListValue(['\\Seen', '$Forwarded']),
        raw('INTERNALDATE'),
        dateTimeValue(new Date('1996-07-17T09:44:25Z'), -420),
        raw('X'),
        nstr(null),
        raw('BODY[]'),
        literal(body),
        raw('BINARY[1]'),
        literal(bytes([0, 1]), true),
      ]),
    ])
    expect(wire(line)).toBe(
      '* 12 FETCH (UID 5 FLAGS (\\Seen $Forwarded) INTERNALDATE "17-Jul-1996 02:44:25 -0700" X NIL ' +
        'BODY[] {15}\r\nSubject: x\r\n\r\n\u00e9 BINARY[1] ~{2}\r\n\u0000\u0001)\r\n',
    )
  })

  test('nested lists and NIL', () => {
    expect(wire(serializeValues([list([list([str('a'), NIL]), list([])]), nstr('x'), nstr(undefined)]))).toBe(
      '(("a" NIL) ()) "x" NIL',
    )
  })

  test('mailbox names are modified UTF-7 unless UTF-8 is enabled', () => {
    expect(wire(untagged([raw('LIST'), list([]), str('/'), mailboxValue('台北 & co')]))).toBe(
      '* LIST () "/" "&U,BTFw- &- co"\r\n',
    )
    expect(new TextDecoder().decode(serializeValues([mailboxValue('台北', true)], { utf8: true }))).toBe('"台北"')
  })

  test('tagged and untagged status lines with response codes', () => {
    expect(taggedResponse('A1', 'OK', 'SELECT completed', responseCode('READ-WRITE'))).toBe(
      'A1 OK [READ-WRITE] SELECT completed\r\n',
    )
    expect(untaggedResponse('OK', 'Predicted next UID', responseCode('UIDNEXT', 5))).toBe(
      '* OK [UIDNEXT 5] Predicted next UID\r\n',
    )
    expect(untaggedResponse('OK', 'Flags', responseCode('PERMANENTFLAGS', formatFlagList(['\\Seen', '\\*'])))).toBe(
      '* OK [PERMANENTFLAGS (\\Seen \\*)] Flags\r\n',
    )
    expect(taggedResponse('A2', 'NO', 'Too big', 'TOOBIG')).toBe('A2 NO [TOOBIG] Too big\r\n')
    expect(taggedResponse('A3', 'BAD', 'bad\r\ninjected')).toBe('A3 BAD bad injected\r\n')
    expect(untaggedResponse('BYE', '')).toBe('* BYE done\r\n')
    expect(untaggedResponse('PREAUTH', 'hi')).toBe('* PREAUTH hi\r\n')
  })

  test('continuation requests and SASL challenges', () => {
    expect(continuationRequest()).toBe('+ Ready for literal data\r\n')
    expect(continuationRequest('idling')).toBe('+ idling\r\n')
    expect(saslChallenge(bytes('hello'))).toBe('+ aGVsbG8=\r\n')
    expect(saslChallenge(new Uint8Array(0))).toBe('+ \r\n')
  })
})
