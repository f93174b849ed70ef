import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { manualClock } from '../../../src/core/clock.ts'
import {
  accountMaildirPath,
  encodeLocalPart,
  folderForMailbox,
  mailboxForFolder,
} from '../../../src/storage/maildir/maildir-path.ts'
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../../../src/storage/maildir/modified-utf7.ts'
import { createUniqueNameGenerator, deliveredSeconds, escapeHost } from '../../../src/storage/maildir/unique-name.ts'
import { normalizeMailboxName, parentNames } from '../../../src/storage/mailbox-name.ts'

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  test.each([
    ['INBOX', 'INBOX'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['&', '&-'],
    ['Tom & Jerry', 'Tom &- Jerry'],
    // The RFC's own example.
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['😀', '&2D3eAA-'],
    ['', ''],
  ])('%s ↔ %s', (text, encoded) => {
    expect(encodeModifiedUtf7(text)).toBe(encoded)
    expect(decodeModifiedUtf7(encoded)).toBe(text)
  })

  test.each(['&', '&U,BTFw', '&!!-', '&AGE-', 'caf\u00e9', '&A-'])('rejects %p', encoded => {
    expect(decodeModifiedUtf7(encoded)).toBeNull()
  })
})

describe('mailbox name ↔ Maildir++ folder', () => {
  test.each([
    ['INBOX', ''],
    ['Sent', '.Sent'],
    ['Parent/Child', '.Parent.Child'],
    ['a.b', '.a\\2eb'],
    ['back\\slash', '.back\\5cslash'],
    ['Entwürfe', '.Entw&APw-rfe'],
    ['Lists/rust-lang.org/announce', '.Lists.rust-lang\\2eorg.announce'],
    ['INBOX/Sub', '.INBOX.Sub'],
    ['Tom & Jerry', '.Tom &- Jerry'],
  ])('%s ↔ %s', (name, folder) => {
    expect(folderForMailbox(name)).toBe(folder)
    expect(mailboxForFolder(folder)).toBe(name)
  })

  test.each(['.', '..', 'Sent', '.a..b', '.&bad', '.\\2f'])('undecodable folder %p', folder => {
    expect(mailboxForFolder(folder)).toBeNull()
  })
})

describe('account paths', () => {
  test('<dataDir>/maildir/<domain>/<local>', () => {
    expect(accountMaildirPath('/data', 'example.com', 'ann')).toBe(join('/data', 'maildir', 'example.com', 'ann'))
  })
  test.each([
    ['ann', 'ann'],
    ['a/b', 'a%2fb'],
    ['100%', '100%25'],
    ['jörg', 'jörg'],
  ])('local part %s → %s', (local, segment) => {
    expect(encodeLocalPart(local)).toBe(segment)
  })
})

describe('mailbox names', () => {
  test.each([
    ['inbox', 'INBOX'],
    ['InBoX/Lists', 'INBOX/Lists'],
    ['Archive/2025', 'Archive/2025'],
    ['Inboxes', 'Inboxes'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeMailboxName(input)).toBe(expected)
  })

  test.each(['', '/a', 'a/', 'a//b', 'tab\there', 'star*', 'pct%', 'x'.repeat(600)])('rejects %p', input => {
    expect(() => normalizeMailboxName(input)).toThrow(
      expect.objectContaining({ codes: expect.objectContaining({ code: 'invalid_mailbox_name' }) }),
    )
  })

  test('parentNames', () => {
    expect(parentNames('a/b/c')).toEqual(['a', 'a/b'])
    expect(parentNames('a')).toEqual([])
  })
})

describe('unique names', () => {
  test('<secs>.M<usecs>P<pid>Q<n>R<hex>.<host>, unique per call', () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 0, 0, 0, 250))
    const names = createUniqueNameGenerator({ clock, host: 'mx1.example.com', pid: 42 })
    const a = names.next()
    const b = names.next()
    expect(a).toMatch(/^1767225600\.M250001P42Q1R[0-9a-f]{8}\.mx1\.example\.com$/)
    expect(b).toMatch(/^1767225600\.M250002P42Q2R[0-9a-f]{8}\.mx1\.example\.com$/)
    expect(deliveredSeconds(a)).toBe(1767225600)
    expect(deliveredSeconds('abc.def')).toBeNull()
  })

  test('two generators with the same pid and clock do not collide', () => {
    const clock = manualClock()
    const one = createUniqueNameGenerator({ clock, host: 'h', pid: 1 })
    const two = createUniqueNameGenerator({ clock, host: 'h', pid: 1 })
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      seen.add(one.next())
      seen.add(two.next())
    }
    expect(seen.size).toBe(400)
  })

  test.each([
    ['a/b', 'a\\057b'],
    ['a:b', 'a\\072b'],
    ['a,b', 'a\\054b'],
    ['', 'localhost'],
  ])('host %p → %p', (host, escaped) => {
    expect(escapeHost(host)).toBe(escaped)
  })
})
