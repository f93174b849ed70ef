// Name checks and reverse names.
import { describe, expect, test } from 'bun:test'
import { checkName, reverseName } from '../../../src/security/dns/dns-name.ts'
import { DnsError } from '../../../src/security/dns/dns-error.ts'

describe('reverseName', () => {
  const rows: [string, string][] = [
    ['192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['127.0.0.1', '1.0.0.127.in-addr.arpa'],
    ['2001:db8::1', `1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['::1', `1.${'0.'.repeat(31)}ip6.arpa`],
    ['::', `${'0.'.repeat(32)}ip6.arpa`],
    ['2001:db8:1:2:3:4:5:6', '6.0.0.0.5.0.0.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'],
    ['::ffff:192.0.2.1', `1.0.2.0.0.0.0.c.f.f.f.f.${'0.'.repeat(20)}ip6.arpa`],
    ['fe80::1%eth0', `1.${'0.'.repeat(27)}0.8.e.f.ip6.arpa`],
  ]
  test.each(rows)('%s', (ip, name) => {
    expect(reverseName(ip)).toBe(name)
    expect(name.split('.').length).toBe(ip.includes(':') ? 34 : 6)
  })

  test.each(['', '192.0.2', '300.1.1.1', 'example.org', '::g'])('rejects %p', ip => {
    expect(() => reverseName(ip)).toThrow(DnsError)
  })
})

describe('checkName', () => {
  test.each([
    ['example.org', 'example.org'],
    ['example.org.', 'example.org'],
    ['_dmarc.example.org', '_dmarc.example.org'],
    [`${'a'.repeat(63)}.org`, `${'a'.repeat(63)}.org`],
    ['localhost', 'localhost'],
  ])('accepts %s', (name, bare) => {
    expect(checkName(name, 'A')).toBe(bare)
  })

  test.each([
    ['empty', ''],
    ['root only', '.'],
    ['64-byte label', `${'a'.repeat(64)}.org`],
    ['empty label', 'a..org'],
    ['leading dot', '.example.org'],
    ['254 characters', `${'a.'.repeat(126)}ab`],
    ['non-ASCII (needs an A-label)', 'exämple.org'],
    ['space', 'exa mple.org'],
  ])('rejects %s', (_why, name) => {
    try {
      checkName(name, 'TXT')
      throw new Error('expected EBADNAME')
    } catch (e) {
      expect((e as DnsError).code).toBe('EBADNAME')
    }
  })
})
