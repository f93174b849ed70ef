// SORT keys and their order (RFC 5256 §3, RFC 5957 §2): each key alone, REVERSE, several keys, the
// mailbox-order tie-break, and i;ascii-casemap.
import { describe, expect, test } from 'bun:test'
import type { SortCriterion } from '../../../src/imap/protocol/arguments/sort-thread.ts'
import { asciiCasemap, compareOctets, sortMessages } from '../../../src/imap/sort/sort-messages.ts'
import { at, messages } from './support.ts'

const MAILBOX = messages([
  // 1
  {
    subject: 'Re: banana',
    date: at(12),
    from: 'zed@x.test',
    to: 'b@x.test',
    cc: 'm@x.test',
    size: 300,
    fromName: 'Anna',
  },
  // 2
  { subject: 'apple', date: at(10), from: 'Alice@x.test', to: 'a@x.test', size: 100, arrival: Date.UTC(2026, 0, 1) },
  // 3: no Date field: sent date is the internal date (1 Jan 2025 00:02 UTC)
  {
    subject: '[list] Cherry',
    date: null,
    from: 'bob@x.test',
    cc: 'a@x.test',
    size: 200,
    fromName: '=?utf-8?q?Zo=C3=A9?=',
  },
  // 4: same everything as 2 except number and subject case
  { subject: 'APPLE', date: at(10), from: 'alice@x.test', to: 'a@x.test', size: 100, arrival: Date.UTC(2026, 0, 1) },
])

const sort = (...criteria: string[]) =>
  sortMessages(
    MAILBOX,
    criteria.map((c): SortCriterion => {
      const reverse = c.startsWith('REVERSE ')
      return { key: (reverse ? c.slice(8) : c) as SortCriterion['key'], reverse }
    }),
  ).map(m => m.seq)

describe('sortMessages', () => {
  test.each([
    [['SUBJECT'], [2, 4, 1, 3]], // apple, APPLE (casemap: equal → mailbox order), banana, Cherry
    [['REVERSE SUBJECT'], [3, 1, 2, 4]], // ties keep mailbox order even when reversed
    [['DATE'], [3, 2, 4, 1]],
    [['REVERSE DATE'], [1, 2, 4, 3]],
    [['ARRIVAL'], [1, 3, 2, 4]],
    [['SIZE'], [2, 4, 3, 1]],
    [
      ['REVERSE SIZE', 'SUBJECT'],
      [1, 3, 2, 4],
    ],
    [['FROM'], [2, 4, 3, 1]], // alice, alice, bob, zed
    [['TO'], [3, 2, 4, 1]], // "" (no To) first, then a, a, b
    [['CC'], [2, 4, 3, 1]], // "", "", a, m
    [['DISPLAYFROM'], [2, 4, 1, 3]], // alice@x.test ×2, Anna, Zoé (decoded)
    [['DISPLAYTO'], [3, 2, 4, 1]],
    [
      ['SIZE', 'REVERSE ARRIVAL'],
      [2, 4, 3, 1],
    ],
  ])('%p', (criteria, expected) => {
    expect(sort(...criteria)).toEqual(expected)
  })

  test('i;ascii-casemap folds only ASCII letters', () => {
    expect(asciiCasemap('abcÄäz')).toBe('ABCÄäZ')
  })

  test('strings compare in UTF-8 octet (code point) order', () => {
    expect(compareOctets('a', 'b')).toBeLessThan(0)
    expect(compareOctets('ab', 'a')).toBeGreaterThan(0)
    // U+FF21 (3 UTF-8 octets, EF BC A1) sorts before U+1F600 (4 octets, F0 ...), unlike UTF-16 order.
    expect(compareOctets('\uff21', '\u{1f600}')).toBeLessThan(0)
    expect(compareOctets('\u{1f600}', '\uff21')).toBeGreaterThan(0)
  })
})
