// src/core/address.ts (normalisation every repository keys on).
import { describe, expect, test } from 'bun:test'
import { parseAddress, parseDomain, splitSubaddress, tryParseAddress } from '../../../src/core/address.ts'

describe('parseAddress: valid input is normalised', () => {
  test.each([
    ['ann@example.com', 'ann@example.com'],
    ['Ann.Example@EXAMPLE.COM', 'ann.example@example.com'],
    ['  bob@example.com  ', 'bob@example.com'],
    ['user+tag@example.com', 'user+tag@example.com'],
    ["o'brien@example.com", "o'brien@example.com"],
    ['a/b=c?d^e{f}|g~h@example.com', 'a/b=c?d^e{f}|g~h@example.com'],
    ['ann@bücher.de', 'ann@xn--bcher-kva.de'],
    ['ann@xn--bcher-kva.de', 'ann@xn--bcher-kva.de'],
    ['ann@例え.テスト', 'ann@xn--r8jz45g.xn--zckzah'],
    ['Jörg@example.com', 'jörg@example.com'],
    ['ann@example.com.', 'ann@example.com'],
    ['ann@localhost', 'ann@localhost'],
    ['ann@sub-domain.example.co.uk', 'ann@sub-domain.example.co.uk'],
  ])('%s → %s', (input, expected) => {
    expect(parseAddress(input).address).toBe(expected)
  })

  test('splits local part and domain', () => {
    expect(parseAddress('Ann@Bücher.DE')).toEqual({
      local: 'ann',
      domain: 'xn--bcher-kva.de',
      address: 'ann@xn--bcher-kva.de',
    })
  })

  test('NFC-normalises the local part (RFC 6532 §3.1)', () => {
    const decomposed = 'jo\u0308rg@example.com'
    expect(parseAddress(decomposed).local).toBe('j\u00f6rg')
  })
})

describe('parseAddress: garbage is rejected with invalid_address', () => {
  test.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['no-at-sign', 'missing "@"'],
    ['@example.com', 'empty local part'],
    ['ann@', 'empty domain'],
    ['.ann@example.com', 'empty dot-separated part'],
    ['ann.@example.com', 'empty dot-separated part'],
    ['a..b@example.com', 'empty dot-separated part'],
    ['ann smith@example.com', 'need quoting'],
    ['ann<x>@example.com', 'need quoting'],
    ['"quoted"@example.com', 'quoted local parts'],
    ['ann@@example.com', 'need quoting'],
    ['ann@[192.0.2.1]', 'address literals'],
    ['ann@exa mple.com', 'domain'],
    ['ann@-example.com', 'label'],
    ['ann@example-.com', 'label'],
    ['ann@exa_mple.com', 'label'],
    ['ann@example..com', 'empty label'],
    ['ann@192.0.2.1', 'numeric'],
    [`${'a'.repeat(65)}@example.com`, 'longer than 64'],
    [`ann@${'a'.repeat(64)}.com`, 'label longer than 63'],
    [`${'a'.repeat(60)}@${`${'b'.repeat(60)}.`.repeat(4)}com`, 'longer than'],
    ['ann@example.com\u0000', 'domain'],
  ])('%p', (input, why) => {
    let error: unknown
    try {
      parseAddress(input)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ kind: 'syntax', codes: { code: 'invalid_address', smtp: [501, '5.1.3'] } })
    expect((error as Error).message).toContain(why)
    expect(tryParseAddress(input)).toBeNull()
  })
})

describe('parseDomain', () => {
  test.each([
    ['EXAMPLE.com', 'example.com'],
    ['Bücher.de', 'xn--bcher-kva.de'],
    ['example.com.', 'example.com'],
  ])('%s → %s', (input, expected) => {
    expect(parseDomain(input)).toBe(expected)
  })

  test.each(['', 'a..b', '-a.com', '1.2.3.4', 'a b.com', '[1.2.3.4]', 'xn--zz.com'])('rejects %p', input => {
    expect(() => parseDomain(input)).toThrow(
      expect.objectContaining({ codes: expect.objectContaining({ code: 'invalid_domain' }) }),
    )
  })
})

describe('splitSubaddress (RFC 5233)', () => {
  test.each([
    ['user', 'user', null],
    ['user+tag', 'user', 'tag'],
    ['user+', 'user', ''],
    ['user+a+b', 'user', 'a+b'],
    ['+tag', '+tag', null],
  ])('%s', (local, base, tag) => {
    expect(splitSubaddress(local)).toEqual({ base, tag })
  })
})
