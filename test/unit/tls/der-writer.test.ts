// The DER writer against known encodings: X.690's own examples (§8.6.4.2 BIT STRING, §8.19.5 OID),
// RFC 5280 values (KeyUsage bits, extension OIDs, validity times), the reader (der-reader.ts) reading
// every value back, and `openssl asn1parse -genconf` encoding the same structure independently.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeOid, decodeTime, derChildren, readDerDocument } from '../../../src/security/tls/der-reader.ts'
import {
  derBitString,
  derBoolean,
  derExplicit,
  derGeneralizedTime,
  derIa5String,
  derImplicitPrimitive,
  derInteger,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derTlv,
  derUtcTime,
  derUtf8String,
} from '../../../src/security/tls/der-writer.ts'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))
const ascii = (text: string) => Buffer.from(text, 'latin1').toString('hex')

describe('known encodings', () => {
  test.each([
    ['INTEGER 0', () => derInteger(0), '020100'],
    ['INTEGER 127', () => derInteger(127), '02017f'],
    ['INTEGER 128 gets a 0x00 (sign bit)', () => derInteger(128), '02020080'],
    ['INTEGER 256', () => derInteger(256), '02020100'],
    ['INTEGER 2^53-1', () => derInteger(Number.MAX_SAFE_INTEGER), '02071fffffffffffff'],
    ['INTEGER bytes, leading zeros dropped', () => derInteger(bytes('000001')), '020101'],
    ['INTEGER bytes, high bit set', () => derInteger(bytes('ff')), '020200ff'],
    ['INTEGER bytes, all zero', () => derInteger(bytes('0000')), '020100'],
    ['INTEGER empty bytes = 0', () => derInteger(new Uint8Array(0)), '020100'],
    ['INTEGER 0x0080 keeps one zero', () => derInteger(bytes('0080')), '02020080'],
    ['OID rsadsi (X.690 §8.19)', () => derOid('1.2.840.113549'), '06062a864886f70d'],
    ['OID {2 999 3} (X.690 §8.19.5)', () => derOid('2.999.3'), '0603883703'],
    ['OID basicConstraints', () => derOid('2.5.29.19'), '0603551d13'],
    ['OID ecdsa-with-SHA256', () => derOid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
    ['OID serverAuth', () => derOid('1.3.6.1.5.5.7.3.1'), '06082b06010505070301'],
    ['OID 0.0', () => derOid('0.0'), '060100'],
    ['OID arc 128 takes two octets', () => derOid('1.2.128'), '06032a8100'],
    ['BOOLEAN TRUE', () => derBoolean(true), '0101ff'],
    ['BOOLEAN FALSE', () => derBoolean(false), '010100'],
    ['NULL', () => derNull(), '0500'],
    ['empty SEQUENCE', () => derSequence(), '3000'],
    ['SEQUENCE of two', () => derSequence(derNull(), derBoolean(true)), '30050500' + '0101ff'],
    ['SET OF sorted by encoding (X.690 §11.6)', () => derSet(derInteger(2), derInteger(1)), '3106020101020102'],
    [
      'SET OF shorter prefix first',
      () => derSet(derOctetString(bytes('0102')), derOctetString(bytes('01'))),
      '3107040101' + '04020102',
    ],
    ['OCTET STRING', () => derOctetString(bytes('3000')), '04023000'],
    ['OCTET STRING of 127 bytes: short length', () => derOctetString(new Uint8Array(127)), `047f${'00'.repeat(127)}`],
    ['OCTET STRING of 200 bytes: 0x81 length', () => derOctetString(new Uint8Array(200)), `0481c8${'00'.repeat(200)}`],
    [
      'OCTET STRING of 300 bytes: 0x82 length',
      () => derOctetString(new Uint8Array(300)),
      `0482012c${'00'.repeat(300)}`,
    ],
    ['BIT STRING (X.690 §8.6.4.2)', () => derBitString(bytes('0a3b5f291cd0'), 4), '0307040a3b5f291cd0'],
    ['BIT STRING empty', () => derBitString(new Uint8Array(0)), '030100'],
    ['KeyUsage digitalSignature', () => derNamedBits([0]), '03020780'],
    ['KeyUsage digitalSignature+keyEncipherment', () => derNamedBits([0, 2]), '030205a0'],
    ['KeyUsage keyCertSign+cRLSign', () => derNamedBits([5, 6]), '03020106'],
    ['KeyUsage decipherOnly (bit 8)', () => derNamedBits([8]), '0303070080'],
    ['no named bits', () => derNamedBits([]), '030100'],
    ['PrintableString', () => derPrintableString('Test User 1'), `130b${ascii('Test User 1')}`],
    ['UTF8String', () => derUtf8String('é'), '0c02c3a9'],
    ['IA5String', () => derIa5String('a_b@c'), `1605${ascii('a_b@c')}`],
    [
      'UTCTime (X.690 example date)',
      () => derUtcTime(new Date('1991-05-06T23:45:40Z')),
      `170d${ascii('910506234540Z')}`,
    ],
    [
      'UTCTime drops milliseconds',
      () => derUtcTime(new Date('2026-03-01T00:00:00.999Z')),
      `170d${ascii('260301000000Z')}`,
    ],
    ['GeneralizedTime', () => derGeneralizedTime(new Date('2050-01-01T00:00:00Z')), `180f${ascii('20500101000000Z')}`],
    [
      'time 2049 is UTCTime (RFC 5280 §4.1.2.5)',
      () => derTime(new Date('2049-12-31T23:59:59Z')),
      `170d${ascii('491231235959Z')}`,
    ],
    [
      'time 2050 is GeneralizedTime',
      () => derTime(new Date('2050-01-01T00:00:00Z')),
      `180f${ascii('20500101000000Z')}`,
    ],
    ['time 1950 is UTCTime', () => derTime(new Date('1950-01-01T00:00:00Z')), `170d${ascii('500101000000Z')}`],
    [
      'time 1949 is GeneralizedTime',
      () => derTime(new Date('1949-12-31T23:59:59Z')),
      `180f${ascii('19491231235959Z')}`,
    ],
    ['[0] EXPLICIT INTEGER 2 (version v3)', () => derExplicit(0, derInteger(2)), 'a003020102'],
    ['[3] EXPLICIT empty SEQUENCE', () => derExplicit(3, derSequence()), 'a3023000'],
    ['[2] IMPLICIT dNSName', () => derImplicitPrimitive(2, new TextEncoder().encode('a')), '820161'],
    ['[7] IMPLICIT iPAddress', () => derImplicitPrimitive(7, bytes('7f000001')), '87047f000001'],
  ])('%s', (_name, encode, expected) => {
    expect(hex(encode())).toBe(expected)
  })
})

describe('malformed input throws instead of encoding', () => {
  test.each([
    ['negative INTEGER', () => derInteger(-1)],
    ['fractional INTEGER', () => derInteger(1.5)],
    ['unsafe INTEGER', () => derInteger(2 ** 53)],
    ['OID with one arc', () => derOid('1')],
    ['OID first arc 3', () => derOid('3.1')],
    ['OID second arc 40 under 1', () => derOid('1.40')],
    ['OID empty arc', () => derOid('1..2')],
    ['OID text', () => derOid('commonName')],
    ['OID unsafe arc', () => derOid('1.2.99999999999999999999')],
    ['PrintableString with _', () => derPrintableString('a_b')],
    ['PrintableString with é', () => derPrintableString('é')],
    ['PrintableString with @', () => derPrintableString('a@b')],
    ['IA5String with é', () => derIa5String('é')],
    ['UTCTime in 2050', () => derUtcTime(new Date('2050-01-01T00:00:00Z'))],
    ['UTCTime in 1949', () => derUtcTime(new Date('1949-12-31T23:59:59Z'))],
    ['invalid Date', () => derTime(new Date('nope'))],
    ['GeneralizedTime after 9999', () => derGeneralizedTime(new Date('+010000-01-01T00:00:00Z'))],
    ['BIT STRING 8 unused bits', () => derBitString(bytes('00'), 8)],
    ['BIT STRING unused bits set', () => derBitString(bytes('81'), 1)],
    ['BIT STRING empty with unused bits', () => derBitString(new Uint8Array(0), 3)],
    ['negative named bit', () => derNamedBits([-1])],
    ['[31] needs a high tag number', () => derExplicit(31, derNull())],
    ['[-1]', () => derImplicitPrimitive(-1, new Uint8Array(0))],
    ['tag 0x1f (high tag number form)', () => derTlv(0x1f, new Uint8Array(0))],
    ['tag above one octet', () => derTlv(0x100, new Uint8Array(0))],
  ])('%s', (_name, encode) => {
    expect(encode).toThrow(RangeError)
  })
})

describe('der-reader reads back what the writer wrote', () => {
  test.each(['0.0', '1.2.840.113549.1.1.11', '2.999.3', '2.5.29.17', '1.3.6.1.4.1.311.21.20', '2.25.9007199254740991'])(
    'OID %s',
    oid => {
      expect(decodeOid(readDerDocument(derOid(oid)))).toBe(oid)
    },
  )

  test.each([
    '1950-01-01T00:00:00Z',
    '2026-03-01T12:34:56Z',
    '2049-12-31T23:59:59Z',
    '2050-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
  ])('time %s', iso => {
    expect(decodeTime(readDerDocument(derTime(new Date(iso)))).toISOString()).toBe(new Date(iso).toISOString())
  })

  test('a SEQUENCE longer than 255 bytes holds its children exactly', () => {
    const children = Array.from({ length: 40 }, (_, i) => derOctetString(new Uint8Array(i)))
    const parsed = derChildren(readDerDocument(derSequence(...children)))
    expect(parsed.map(child => hex(child.raw))).toEqual(children.map(hex))
  })
})

describe('openssl encodes the same structure to the same bytes', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'der-writer-'))
  })
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('asn1parse -genconf', () => {
    const config = [
      'asn1 = SEQUENCE:top',
      '[top]',
      'version = EXPLICIT:0,INTEGER:2',
      'serial = INTEGER:0x8001020304',
      'algorithm = OID:1.2.840.10045.4.3.2',
      'name = SET:rdn',
      'notBefore = UTCTIME:260228235900Z',
      'notAfter = GENERALIZEDTIME:20510101000000Z',
      'critical = BOOLEAN:TRUE',
      'usage = FORMAT:BITLIST,BITSTRING:0,2',
      'blob = FORMAT:HEX,OCTETSTRING:300a06082b06010505070301',
      'dns = IMPLICIT:2,IA5STRING:localhost',
      'nothing = NULL',
      'utf8 = FORMAT:UTF8,UTF8String:Grüße',
      '[rdn]',
      'cn = SEQUENCE:cn',
      '[cn]',
      'oid = OID:2.5.4.3',
      'value = PRINTABLESTRING:Mail.Example.Test',
      '',
    ].join('\n')
    fs.writeFileSync(path.join(dir, 'genconf.cnf'), config)
    const run = Bun.spawnSync(['openssl', 'asn1parse', '-genconf', 'genconf.cnf', '-out', 'expected.der', '-noout'], {
      cwd: dir,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(run.stderr.toString()).toBe('')
    const ours = derSequence(
      derExplicit(0, derInteger(2)),
      derInteger(bytes('8001020304')),
      derOid('1.2.840.10045.4.3.2'),
      derSet(derSequence(derOid('2.5.4.3'), derPrintableString('Mail.Example.Test'))),
      derTime(new Date('2026-02-28T23:59:00Z')),
      derTime(new Date('2051-01-01T00:00:00Z')),
      derBoolean(true),
      derNamedBits([0, 2]),
      derOctetString(bytes('300a06082b06010505070301')),
      derImplicitPrimitive(2, new TextEncoder().encode('localhost')),
      derNull(),
      derUtf8String('Grüße'),
    )
    expect(hex(ours)).toBe(hex(new Uint8Array(fs.readFileSync(path.join(dir, 'expected.der')))))
  })
})
