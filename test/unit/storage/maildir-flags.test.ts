import { describe, expect, test } from 'bun:test'
import { splitFlagList } from '../../../src/storage/flag-list.ts'
import {
  bitsToFlags,
  flagsToBits,
  formatMaildirName,
  infoLetters,
  parseMaildirName,
  SYSTEM_FLAGS,
  systemFlag,
} from '../../../src/storage/maildir/flags.ts'

const LETTER = { '\\Draft': 'D', '\\Flagged': 'F', '\\Answered': 'R', '\\Seen': 'S', '\\Deleted': 'T' } as const

describe('system flags ↔ :2, info letters, all 32 combinations', () => {
  const combos = Array.from({ length: 32 }, (_, bits) => bits)
  test.each(combos)('bits %i', bits => {
    const flags = bitsToFlags(bits)
    expect(flagsToBits(flags)).toBe(bits)
    const expectedLetters = flags
      .map(f => LETTER[f])
      .sort()
      .join('')
    const name = formatMaildirName('1700000000.M1P2Q3.host,S=10', bits)
    expect(name).toBe(`1700000000.M1P2Q3.host,S=10:2,${expectedLetters}`)
    const parsed = parseMaildirName(name)
    expect(parsed).toEqual({ base: '1700000000.M1P2Q3.host,S=10', flags: bits, extra: '', hasInfo: true })
  })
})

describe('names written by other tools', () => {
  test.each([
    // name, flags, extra letters kept
    ['1234.abc:2,FRS', ['\\Seen', '\\Answered', '\\Flagged'], ''],
    ['1234.abc:2,', [], ''],
    ['1234.abc', [], ''],
    ['1234.abc:2,SR', ['\\Seen', '\\Answered'], ''], // unsorted input still parses
    ['1234.abc:2,PS', ['\\Seen'], 'P'], // P (passed) has no IMAP flag: kept
    ['1234.abc:2,DFPRSTabz', ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'], 'Pabz'], // Dovecot keyword letters
    ['1234.abc:2,SS', ['\\Seen'], ''],
    ['1234.abc:1,experimental', [], ''], // experimental info: ignored
    ['1234.abc,S=99,W=100:2,T', ['\\Deleted'], ''],
  ])('%s', (name, flags, extra) => {
    const parsed = parseMaildirName(name)
    expect(parsed.base).toBe(name.split(':')[0] as string)
    expect(bitsToFlags(parsed.flags).sort()).toEqual([...flags].sort() as never)
    expect(parsed.extra).toBe(extra)
  })

  test('renaming keeps unknown letters, in ASCII order', () => {
    const parsed = parseMaildirName('1234.abc:2,PSabz')
    expect(formatMaildirName(parsed.base, flagsToBits(['\\Flagged', '\\Seen']), parsed.extra)).toBe('1234.abc:2,FPSabz')
    expect(formatMaildirName(parsed.base, 0, parsed.extra)).toBe('1234.abc:2,Pabz')
  })

  test('mapped letters in `extra` cannot resurrect a cleared flag', () => {
    expect(infoLetters(0, 'SP')).toBe('P')
  })
})

describe('flag names', () => {
  test('system flags are case-insensitive and canonicalised', () => {
    expect(systemFlag('\\SEEN')).toBe('\\Seen')
    expect(systemFlag('\\deleted')).toBe('\\Deleted')
    expect(systemFlag('$Forwarded')).toBeNull()
    expect(SYSTEM_FLAGS).toHaveLength(5)
  })

  test('splitFlagList separates keywords, drops \\Recent and duplicates', () => {
    expect(splitFlagList(['\\Seen', '$Forwarded', '\\seen', 'Work', 'work', '\\Recent'])).toEqual({
      flags: ['\\Seen'],
      keywords: ['$Forwarded', 'Work'],
    })
  })

  test.each([['\\Bogus'], ['bad keyword'], ['(paren'], ['star*'], ['quote"'], ['x'.repeat(200)], ['']])(
    'rejects %p',
    name => {
      expect(() => splitFlagList([name])).toThrow(
        expect.objectContaining({ codes: expect.objectContaining({ code: 'invalid_keyword' }) }),
      )
    },
  )
})
