import { describe, expect, test } from 'bun:test'
import {
  compareImapDates,
  formatImapDate,
  formatImapDateTime,
  imapDateOf,
  parseImapDate,
  parseImapDateTime,
} from '../../../src/imap/protocol/date-time.ts'

describe('IMAP date (SEARCH)', () => {
  test.each([
    ['1-Feb-2024', { year: 2024, month: 2, day: 1 }],
    ['01-feb-2024', { year: 2024, month: 2, day: 1 }],
    ['29-FEB-2000', { year: 2000, month: 2, day: 29 }],
    ['31-Dec-1999', { year: 1999, month: 12, day: 31 }],
    ['5-Mar-0099', { year: 99, month: 3, day: 5 }],
  ])('%s', (text, expected) => {
    expect(parseImapDate(text)).toEqual({ ok: true, value: expected })
  })

  test.each([
    '0-Jan-2024',
    '32-Jan-2024',
    '29-Feb-1900',
    '31-Apr-2024',
    '1-Foo-2024',
    '1-Feb-24',
    '1 Feb 2024',
    '',
    '123-Feb-2024',
    '1-February-2024',
  ])('rejects %p', text => {
    expect(parseImapDate(text).ok).toBe(false)
  })

  test('formats without padding', () => {
    expect(formatImapDate({ year: 2024, month: 2, day: 1 })).toBe('1-Feb-2024')
  })

  test('compares by calendar day', () => {
    const a = { year: 2024, month: 2, day: 1 }
    expect(compareImapDates(a, { year: 2024, month: 1, day: 31 })).toBeGreaterThan(0)
    expect(compareImapDates(a, { ...a })).toBe(0)
    expect(compareImapDates(a, { year: 2025, month: 1, day: 1 })).toBeLessThan(0)
    expect(imapDateOf(new Date('2024-02-01T23:30:00Z'), 60)).toEqual({ year: 2024, month: 2, day: 2 })
  })
})

describe('IMAP date-time (APPEND, INTERNALDATE)', () => {
  test.each([
    ['17-Jul-1996 02:44:25 -0700', '1996-07-17T09:44:25.000Z', -420],
    [' 7-Jul-1996 02:44:25 +0000', '1996-07-07T02:44:25.000Z', 0],
    ['07-Jul-1996 02:44:25 +0530', '1996-07-06T21:14:25.000Z', 330],
    ['1-Jan-2024 00:00:00 +1400', '2023-12-31T10:00:00.000Z', 840],
  ])('%s', (text, iso, offset) => {
    const result = parseImapDateTime(text)
    if (!result.ok) throw new Error(result.error)
    expect(result.value.date.toISOString()).toBe(iso)
    expect(result.value.offsetMinutes).toBe(offset)
  })

  test.each([
    '17-Jul-1996 02:44:25',
    '17-Jul-1996 2:44:25 -0700',
    '17-Jul-1996 24:00:00 -0700',
    '17-Jul-1996 02:60:00 -0700',
    '17-Jul-1996 02:44:25 -0760',
    '17-Jul-1996 02:44:25 0700',
    '31-Jun-1996 02:44:25 +0000',
    '17-Jul-1996  02:44:25 +0000',
  ])('rejects %p', text => {
    expect(parseImapDateTime(text).ok).toBe(false)
  })

  test.each([
    [new Date('1996-07-17T09:44:25Z'), -420, '17-Jul-1996 02:44:25 -0700'],
    [new Date('1996-07-07T02:44:25Z'), 0, ' 7-Jul-1996 02:44:25 +0000'],
    [new Date('2024-02-29T23:59:59Z'), 90, ' 1-Mar-2024 01:29:59 +0130'],
  ] as const)('formats %s at %i', (date, offset, expected) => {
    expect(formatImapDateTime(date, offset)).toBe(expected)
    const back = parseImapDateTime(expected)
    expect(back.ok && back.value.date.getTime()).toBe(date.getTime())
  })
})
