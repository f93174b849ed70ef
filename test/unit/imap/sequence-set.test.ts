import { describe, expect, test } from 'bun:test'
import {
  type SequenceRange,
  expandSequenceSet,
  filterUidsInSet,
  formatNumbersAsSequenceSet,
  formatSequenceSet,
  isSequenceSetInRange,
  normalizeSequenceSet,
  parseSequenceSet,
  sequenceSetIncludes,
} from '../../../src/imap/protocol/sequence-set.ts'

function ranges(text: string): SequenceRange[] {
  const result = parseSequenceSet(text)
  if (!result.ok || result.value.kind !== 'set') throw new Error(`bad test set ${text}`)
  return result.value.ranges
}

describe('parseSequenceSet', () => {
  test.each([
    ['1', [{ from: 1, to: 1 }]],
    [
      '1:5,7',
      [
        { from: 1, to: 5 },
        { from: 7, to: 7 },
      ],
    ],
    ['*', [{ from: '*', to: '*' }]],
    [
      '10:*,3:1',
      [
        { from: 10, to: '*' },
        { from: 3, to: 1 },
      ],
    ],
    ['*:4', [{ from: '*', to: 4 }]],
    ['4294967295', [{ from: 4294967295, to: 4294967295 }]],
  ] as const)('%s', (text, expected) => {
    expect(parseSequenceSet(text)).toEqual({
      ok: true,
      value: { kind: 'set', ranges: expected as unknown as SequenceRange[] },
    })
  })

  test('$ is the saved result', () => {
    expect(parseSequenceSet('$')).toEqual({ ok: true, value: { kind: 'saved' } })
    expect(parseSequenceSet('$', { allowSaved: false }).ok).toBe(false)
  })

  test.each([
    '',
    '0',
    '1:',
    ':1',
    'a',
    '1,,2',
    '1,',
    ',1',
    '1:2:3',
    '01',
    '-1',
    '4294967296',
    '1.5',
    '$,1',
    '1:$',
    '**',
    ' 1',
  ])('rejects %p', text => {
    const result = parseSequenceSet(text)
    expect(result.ok).toBe(false)
  })

  test('"*" can be refused (QRESYNC known UIDs)', () => {
    expect(parseSequenceSet('1:*', { allowStar: false })).toEqual({
      ok: false,
      error: 'Invalid sequence set "1:*": "*" not allowed here',
    })
  })
})

describe('membership and expansion', () => {
  test.each([
    // set, max, value, included
    ['1:5', 10, 3, true],
    ['1:5', 10, 6, false],
    ['5:1', 10, 1, true],
    ['*', 10, 10, true],
    ['*', 10, 9, false],
    ['7:*', 10, 8, true],
    ['*:7', 10, 8, true],
    ['559:*', 100, 100, true], // RFC 9051 §6.4.9: n:* includes the last message even when n > max
    ['559:*', 100, 99, false],
    ['1,3,5', 10, 4, false],
    ['1,3,5', 10, 5, true],
  ] as const)('%s with * = %i includes %i: %p', (set, max, value, included) => {
    expect(sequenceSetIncludes(ranges(set), value, max)).toBe(included)
  })

  test.each([
    ['1:3,2:5,9', 10, [1, 2, 3, 4, 5, 9]],
    ['5:3', 10, [3, 4, 5]],
    ['8:*', 10, [8, 9, 10]],
    ['*', 0, []],
    ['1:4294967295', 3, [1, 2, 3]],
    ['20:30', 10, []],
  ] as const)('expand %s against %i messages', (set, max, expected) => {
    expect(expandSequenceSet(ranges(set), max)).toEqual([...expected])
  })

  test('normalize merges adjacent and overlapping ranges', () => {
    expect(normalizeSequenceSet(ranges('9,1:3,4,6:7,2'), 10)).toEqual([
      [1, 4],
      [6, 7],
      [9, 9],
    ])
  })

  test.each([
    ['1:*', [3, 7, 20], [3, 7, 20]],
    ['5:10', [3, 7, 20], [7]],
    ['559:*', [3, 7, 20], [20]],
    ['*', [], []],
    ['1,20,21', [3, 7, 20], [20]],
  ] as const)('UIDs %s among %p', (set, uids, expected) => {
    expect(filterUidsInSet(ranges(set), uids)).toEqual([...expected])
  })

  test.each([
    ['1:5', 5, true],
    ['1:6', 5, false],
    ['*', 0, false],
    ['*', 1, true],
    ['3:*', 2, false],
  ] as const)('%s within %i messages: %p', (set, count, inRange) => {
    expect(isSequenceSetInRange(ranges(set), count)).toBe(inRange)
  })
})

describe('formatting', () => {
  test('a parsed set is written back as given', () => {
    for (const text of ['1:5,7,*,10:*,3:1', '4', '*:2']) {
      const result = parseSequenceSet(text)
      if (!result.ok) throw new Error(result.error)
      expect(formatSequenceSet(result.value)).toBe(text)
    }
    expect(formatSequenceSet({ kind: 'saved' })).toBe('$')
  })

  test.each([
    [[1, 2, 3, 5], '1:3,5'],
    [[5, 3, 2, 1, 3], '1:3,5'],
    [[7], '7'],
    [[], ''],
    [[1, 3, 5, 6], '1,3,5:6'],
  ] as const)('numbers %p → %s', (values, expected) => {
    expect(formatNumbersAsSequenceSet(values)).toBe(expected)
  })
})
