// FLAGS / PERMANENTFLAGS (RFC 9051 §7.3.5, §7.1), keyword syntax (§9 flag-keyword), and \Seen on
// FETCH (§6.4.5), with FETCH items parsed by the real command parser.
import { describe, expect, test } from 'bun:test'
import { isValidKeyword, mailboxFlags, permanentFlags, seenOnFetch } from '../../../src/imap/message/index.ts'
import type { FetchAttribute } from '../../../src/imap/protocol/fetch-attributes.ts'
import { parseCommand } from '../../../src/imap/protocol/parse-command.ts'
import { bytesOf } from './helpers/fixtures.ts'

describe('keywords', () => {
  test.each(['$Forwarded', '$MDNSent', '$Junk', 'NonJunk', 'Work', 'a.b-c_d', 'x'.repeat(128)])('valid %p', k => {
    expect(isValidKeyword(k)).toBe(true)
  })
  test.each([
    '',
    '\\Seen',
    'two words',
    'paren(',
    'brace{',
    'star*',
    'percent%',
    'quote"',
    'bracket]',
    'ümlaut',
    'x'.repeat(129),
    'tab\t',
  ])('invalid %p', k => {
    expect(isValidKeyword(k)).toBe(false)
  })
})

describe('FLAGS and PERMANENTFLAGS', () => {
  test('FLAGS: system flags then keywords in use, case-insensitively unique', () => {
    expect(mailboxFlags(['$Forwarded', 'work', 'WORK'])).toEqual([
      '\\Answered',
      '\\Flagged',
      '\\Deleted',
      '\\Seen',
      '\\Draft',
      '$Forwarded',
      'work',
    ])
  })

  test('PERMANENTFLAGS ends with \\* when new keywords may be created', () => {
    expect(permanentFlags(['$Junk'], { readOnly: false })).toEqual([
      '\\Answered',
      '\\Flagged',
      '\\Deleted',
      '\\Seen',
      '\\Draft',
      '$Junk',
      '\\*',
    ])
    expect(permanentFlags([], { readOnly: false, allowNewKeywords: false })).not.toContain('\\*')
  })

  test('PERMANENTFLAGS is empty for a read-only (EXAMINE) mailbox', () => {
    expect(permanentFlags(['$Junk'], { readOnly: true })).toEqual([])
  })
})

function attributes(items: string): FetchAttribute[] {
  const command = parseCommand({ tag: 'A1', lines: [bytesOf(`A1 FETCH 1 ${items}`)], literals: [] })
  if (command.name !== 'FETCH') throw new Error('not FETCH')
  return command.attributes
}

describe('\\Seen on FETCH', () => {
  test.each<[string, boolean]>([
    ['BODY[]', true],
    ['BODY[1.MIME]', true],
    ['BODY[TEXT]<0.10>', true],
    ['BINARY[1]', true],
    ['RFC822', true],
    ['RFC822.TEXT', true],
    ['BODY.PEEK[]', false],
    ['BINARY.PEEK[1]', false],
    ['BINARY.SIZE[1]', false],
    ['RFC822.HEADER', false],
    ['RFC822.SIZE', false],
    ['(ENVELOPE BODYSTRUCTURE BODY FLAGS UID)', false],
    ['FULL', false],
  ])('%s sets \\Seen: %p', (items, expected) => {
    expect(seenOnFetch(attributes(items), { readOnly: false, alreadySeen: false }).setSeen).toBe(expected)
  })

  test('not in a read-only mailbox, not when already seen', () => {
    expect(seenOnFetch(attributes('BODY[]'), { readOnly: true, alreadySeen: false }).setSeen).toBe(false)
    expect(seenOnFetch(attributes('BODY[]'), { readOnly: false, alreadySeen: true }).setSeen).toBe(false)
  })

  test('FLAGS is added to the response only when it was not requested', () => {
    expect(seenOnFetch(attributes('BODY[]'), { readOnly: false, alreadySeen: false }).addFlagsItem).toBe(true)
    expect(seenOnFetch(attributes('(FLAGS BODY[])'), { readOnly: false, alreadySeen: false }).addFlagsItem).toBe(false)
  })
})
