// LIST patterns (RFC 9051 §6.3.9): "*", "%", INBOX in any case, everything else literal.
import { expect, test } from 'bun:test'
import { compileListPattern } from '../../../src/imap/session/list-pattern.ts'

const NAMES = [
  'INBOX',
  'INBOX/Lists',
  'Inboxes',
  'Sent',
  'Archive',
  'Archive/2024',
  'Archive/2024/Q1',
  'a.b',
  'a+b',
  'Ünïcode/€',
]

test.each([
  ['*', NAMES],
  ['%', ['INBOX', 'Inboxes', 'Sent', 'Archive', 'a.b', 'a+b']],
  ['Archive/%', ['Archive/2024']],
  ['Archive/*', ['Archive/2024', 'Archive/2024/Q1']],
  ['Archive*', ['Archive', 'Archive/2024', 'Archive/2024/Q1']],
  ['Archive%', ['Archive']],
  ['%/%', ['INBOX/Lists', 'Archive/2024', 'Ünïcode/€']],
  ['inbox', ['INBOX']],
  ['Inbox/%', ['INBOX/Lists']],
  ['INBOX*', ['INBOX', 'INBOX/Lists']],
  ['inbox*', ['INBOX', 'INBOX/Lists']],
  ['Inbox%', ['INBOX', 'Inboxes']],
  ['sent', []],
  ['a.b', ['a.b']],
  ['a?b', []],
  ['a+b', ['a+b']],
  ['%/€', ['Ünïcode/€']],
  ['*2024*', ['Archive/2024', 'Archive/2024/Q1']],
  ['', []],
])('%p', (pattern, expected) => {
  const match = compileListPattern(pattern)
  expect(NAMES.filter(match)).toEqual(expected)
})
