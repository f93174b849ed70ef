// The pieces the self-signed certificate is built from besides DER values: iPAddress SAN octets
// (RFC 5280 §4.2.1.6), ECDSA r‖s → Ecdsa-Sig-Value (RFC 5480 §2.2.3), and PEM (RFC 7468).
import { describe, expect, test } from 'bun:test'
import { ecdsaSignatureToDer } from '../../../src/security/tls/ecdsa-signature-der.ts'
import { ipAddressBytes } from '../../../src/security/tls/ip-address-bytes.ts'
import { pemBlocks } from '../../../src/security/tls/pem.ts'
import { pemEncode } from '../../../src/security/tls/pem-writer.ts'

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : undefined)
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))

describe('ipAddressBytes', () => {
  test.each([
    ['127.0.0.1', '7f000001'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['::1', `${'00'.repeat(15)}01`],
    ['::', '00'.repeat(16)],
    ['2001:db8::1', `20010db8${'00'.repeat(11)}01`],
    ['2001:DB8:0:0:0:0:0:1', `20010db8${'00'.repeat(11)}01`],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::ffff:192.0.2.1', `${'00'.repeat(10)}ffffc0000201`],
    ['fe80::', `fe80${'00'.repeat(14)}`],
  ])('%s', (text, expected) => {
    expect(hex(ipAddressBytes(text))).toBe(expected)
  })

  test.each([
    'localhost',
    'mail.example.test',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    '',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '1::2::3',
    ':::',
    '12345::',
    'fe80::1%eth0',
    '::ffff:300.0.2.1',
    '::1.2.3.4:5',
    'g::1',
  ])('%j is not an address', text => {
    expect(ipAddressBytes(text)).toBeUndefined()
  })
})

describe('ecdsaSignatureToDer', () => {
  test.each([
    ['small r and s', '0001' + '0002', '3006020101020102'],
    ['high bit gets a 0x00', '8000' + '0080', '300902030080000202' + '0080'],
    ['zero halves', '0000' + '0000', '3006020100020100'],
    ['P-256 size', `${'ff'.repeat(32)}${'01'.repeat(32)}`, `3045022100${'ff'.repeat(32)}0220${'01'.repeat(32)}`],
  ])('%s', (_name, raw, expected) => {
    expect(hex(ecdsaSignatureToDer(bytes(raw)))).toBe(expected)
  })

  test.each([
    ['empty', ''],
    ['odd length', '010203'],
  ])('%s throws', (_name, raw) => {
    expect(() => ecdsaSignatureToDer(bytes(raw))).toThrow(RangeError)
  })
})

describe('pemEncode', () => {
  test.each([0, 1, 47, 48, 49, 96, 1000])('%i bytes: 64-column lines, read back by pemBlocks', length => {
    const der = Uint8Array.from({ length }, (_, i) => (i * 37) % 256)
    const pem = pemEncode('CERTIFICATE', der)
    const lines = pem.split('\n')
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----')
    expect(lines.at(-2)).toBe('-----END CERTIFICATE-----')
    expect(lines.at(-1)).toBe('') // ends in a newline
    const body = lines.slice(1, -2)
    expect(body.length).toBe(Math.ceil((Math.ceil(length / 3) * 4) / 64))
    expect(body.slice(0, -1).every(line => line.length === 64)).toBe(true)
    const blocks = pemBlocks(pem)
    expect(blocks.length).toBe(1)
    expect(hex(blocks[0]?.der)).toBe(hex(der))
  })

  test.each(['', 'private key', 'A--B', ' CERT', 'CERT ', 'A  B'])('label %j throws', label => {
    expect(() => pemEncode(label, new Uint8Array(1))).toThrow(RangeError)
  })
})
