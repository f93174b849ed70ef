// MTA-STS record and policy parsing (RFC 8461 §3.1, §3.2), MX pattern matching (§4.1), and the
// TLS-RPT record (RFC 8460 §3), with malformed inputs.
import { describe, expect, test } from 'bun:test'
import { mxMatchesPattern, parseStsPolicy } from '../../../src/delivery/mta-sts/parse-sts-policy.ts'
import { parseStsRecord, selectStsRecord } from '../../../src/delivery/mta-sts/parse-sts-record.ts'
import {
  mailtoAddress,
  parseTlsRptRecord,
  selectTlsRptRecord,
} from '../../../src/delivery/tls-rpt/parse-tls-rpt-record.ts'

describe('MTA-STS TXT record', () => {
  test.each([
    ['v=STSv1; id=20160831085700Z;', '20160831085700Z'],
    ['v=STSv1;id=abc', 'abc'],
    ['v=STSv1; id=abc; ext=ignored', 'abc'],
    ['v=STSv1;  id=ABC123  ;', 'ABC123'],
  ])('%j → id %s', (text, id) => {
    expect(parseStsRecord(text)).toEqual({ ok: true, record: { id } })
  })

  test.each([
    'v=STSv2; id=1',
    'id=1; v=STSv1',
    'v=STSv1;',
    'v=STSv1; id=',
    'v=STSv1; id=has-dash',
    `v=STSv1; id=${'a'.repeat(33)}`,
    'v=STSv1; id=1; junk',
  ])('invalid %j', text => {
    expect(parseStsRecord(text).ok).toBe(false)
  })

  test('record selection: none, one, two', () => {
    expect(selectStsRecord([['v=spf1 -all']])).toBeNull()
    expect(selectStsRecord([['v=STSv1; ', 'id=split']])).toEqual({ ok: true, record: { id: 'split' } })
    expect(selectStsRecord([['v=STSv1; id=1'], ['v=STSv1; id=2']])?.ok).toBe(false)
  })
})

describe('MTA-STS policy', () => {
  test('a full policy, CRLF or LF', () => {
    const text = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.Example.NET\r\nmax_age: 604800\r\n'
    expect(parseStsPolicy(text)).toEqual({
      ok: true,
      policy: {
        mode: 'enforce',
        mx: ['mail.example.com', '*.example.net'],
        maxAge: 604800,
        lines: ['version: STSv1', 'mode: enforce', 'mx: mail.example.com', 'mx: *.Example.NET', 'max_age: 604800'],
      },
    })
    expect(parseStsPolicy(text.replaceAll('\r\n', '\n')).ok).toBe(true)
  })

  test('mode none needs no mx; max_age is capped at one year; unknown keys are ignored', () => {
    const result = parseStsPolicy('version: STSv1\nmode: none\nmax_age: 9999999999\nextension: x\n')
    expect(result).toMatchObject({ ok: true, policy: { mode: 'none', mx: [], maxAge: 31_557_600 } })
  })

  test.each([
    ['no version', 'mode: enforce\nmx: a.b\nmax_age: 1\n'],
    ['wrong version', 'version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n'],
    ['bad mode', 'version: STSv1\nmode: strict\nmx: a.b\nmax_age: 1\n'],
    ['no mode', 'version: STSv1\nmx: a.b\nmax_age: 1\n'],
    ['no max_age', 'version: STSv1\nmode: enforce\nmx: a.b\n'],
    ['negative max_age', 'version: STSv1\nmode: enforce\nmx: a.b\nmax_age: -1\n'],
    ['no mx in enforce', 'version: STSv1\nmode: enforce\nmax_age: 1\n'],
    ['bad mx', 'version: STSv1\nmode: enforce\nmx: *.*.b\nmax_age: 1\n'],
    ['not key: value', 'version: STSv1\nthis is html\n'],
    ['html', '<html><body>policy</body></html>'],
  ])('%s', (_name, text) => {
    expect(parseStsPolicy(text).ok).toBe(false)
  })

  test.each([
    ['mail.example.com', 'mail.example.com', true],
    ['MAIL.example.com.', 'mail.example.com', true],
    ['mx1.example.com', '*.example.com', true],
    ['a.b.example.com', '*.example.com', false],
    ['example.com', '*.example.com', false],
    ['mail.example.com', 'example.com', false],
  ])('%s against %s', (host, pattern, expected) => {
    expect(mxMatchesPattern(host, pattern)).toBe(expected)
  })
})

describe('TLS-RPT record', () => {
  test('mailto and https destinations', () => {
    const result = parseTlsRptRecord('v=TLSRPTv1; rua=mailto:reports@example.com,https://r.example.com/v1')
    expect(result.ok && result.record.rua.map(u => u.href)).toEqual([
      'mailto:reports@example.com',
      'https://r.example.com/v1',
    ])
    expect(result.ok && mailtoAddress(result.record.rua[0] as URL)).toBe('reports@example.com')
  })

  test.each([
    ['v=TLSRPTv2; rua=mailto:a@b'],
    ['rua=mailto:a@b; v=TLSRPTv1'],
    ['v=TLSRPTv1'],
    ['v=TLSRPTv1; rua=ftp://x.example/'],
    ['v=TLSRPTv1; rua=not a uri'],
    ['v=TLSRPTv1; junk'],
  ])('invalid %j', text => {
    expect(parseTlsRptRecord(text).ok).toBe(false)
  })

  test('selection', () => {
    expect(selectTlsRptRecord([['v=spf1 -all']])).toBeNull()
    expect(selectTlsRptRecord([['v=TLSRPTv1; rua=mailto:a@b.test'], ['v=TLSRPTv1; rua=mailto:c@d.test']])?.ok).toBe(
      false,
    )
    expect(mailtoAddress(new URL('mailto:tls%2Breports@example.com?subject=x'))).toBe('tls+reports@example.com')
  })
})
