// The "sent date" of RFC 5256 §2.2: the Date field in UTC (RFC 5322 §3.3 and the obsolete forms of
// §4.3), else the internal date.
import { describe, expect, test } from 'bun:test'
import { parseSentDate, sentDate } from '../../../src/imap/sort/sent-date.ts'

describe('parseSentDate', () => {
  test.each([
    ['Tue, 1 Apr 2025 10:00:00 +0200', Date.UTC(2025, 3, 1, 8)],
    ['1 Apr 2025 10:00:00 -0130', Date.UTC(2025, 3, 1, 11, 30)],
    ['Tue, 1 Apr 2025 10:00 +0000', Date.UTC(2025, 3, 1, 10)], // seconds are optional
    ['1 Apr 25 10:00 GMT', Date.UTC(2025, 3, 1, 10)], // 2-digit year, named zone
    ['Fri, 31 Dec 99 10:00:00 EST', Date.UTC(1999, 11, 31, 15)],
    ['1 Jan 101 00:00:00 +0000', Date.UTC(2001, 0, 1)], // 3-digit year: + 1900
    ['(Tue) 1 Apr 2025 10:00:00 +0000 (UTC)', Date.UTC(2025, 3, 1, 10)], // comments are CFWS
    ['1 Apr 2025 10:00:00 X', Date.UTC(2025, 3, 1, 10)], // military zone: no information, +0000
    ['1 april 2025 10:00:00 +0000', Date.UTC(2025, 3, 1, 10)],
    ['1 Apr 2025 10:00:00', Date.UTC(2025, 3, 1, 10)],
  ])('%p', (value, expected) => {
    expect(parseSentDate(value)).toBe(expected)
  })

  test.each([
    'garbage',
    '',
    '31 Feb 2025 10:00:00 +0000',
    '1 Foo 2025 10:00:00 +0000',
    '1 Apr 2025 25:00:00 +0000',
    '2025-04-01T10:00:00Z',
  ])('%p is not a date', value => {
    expect(parseSentDate(value)).toBeNull()
  })

  test('without a usable Date field the internal date is the sent date', () => {
    expect(sentDate(null, 1234)).toBe(1234)
    expect(sentDate('bogus', 1234)).toBe(1234)
    expect(sentDate('1 Jan 2000 00:00:00 +0000', 1234)).toBe(Date.UTC(2000, 0, 1))
  })
})
