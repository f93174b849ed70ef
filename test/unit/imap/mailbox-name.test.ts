import { describe, expect, test } from 'bun:test'
import {
  decodeMailboxName,
  decodeModifiedUtf7,
  encodeMailboxName,
  encodeModifiedUtf7,
  normalizeInbox,
} from '../../../src/imap/protocol/mailbox-name.ts'
import { bytes } from './helpers/receive.ts'

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  test.each([
    ['INBOX', 'INBOX'],
    ['', ''],
    ['&', '&-'],
    ['a&b&&', 'a&-b&-&-'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'], // the RFC's example
    ['Entwürfe', 'Entw&APw-rfe'],
    ['😀', '&2D3eAA-'], // non-BMP: a surrogate pair
    ['a😀b&c€', 'a&2D3eAA-b&-c&IKw-'],
    ['𝄞𝄞', '&2DTdHtg03R4-'],
    ['Ünïcödé', '&ANw-n&AO8-c&APY-d&AOk-'],
    ['tab\there', 'tab&AAk-here'],
  ])('%s ⇄ %s', (name, encoded) => {
    expect(encodeModifiedUtf7(name)).toBe(encoded)
    expect(decodeModifiedUtf7(encoded)).toEqual({ ok: true, value: name })
  })

  test('round-trips every kind of character', () => {
    const samples = ['&-&', ' spaced & ', '中文/子文件夹', '👩‍👩‍👧', 'Ελληνικά', 'x/y.z', '\u00a0', '\u{10ffff}']
    for (const name of samples) expect(decodeModifiedUtf7(encodeModifiedUtf7(name))).toEqual({ ok: true, value: name })
  })

  test.each([
    ['&Jjo', 'Unterminated "&" sequence'],
    ['&', 'Unterminated "&" sequence'],
    ['&A-', 'Invalid modified base64 padding'],
    ['&AB-', 'Invalid modified base64 padding'],
    ['&AGE-', 'Printable ASCII "a" must not be base64-encoded'],
    ['&2D0-', 'Unpaired UTF-16 surrogate'],
    ['&3gA-', 'Unpaired UTF-16 surrogate'],
    ['&AOkA-', 'Modified base64 does not hold whole UTF-16 characters'],
    ['&U/BTFw-', 'Invalid modified base64 character "/"'],
    ['a\u00e9', 'Invalid character 0xe9'],
    ['a\nb', 'Invalid character 0xa'],
  ])('rejects %p', (text, message) => {
    const result = decodeModifiedUtf7(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain(message)
  })
})

describe('mailbox names on the wire', () => {
  test.each(['inbox', 'INBOX', 'InBoX'])('%s is INBOX', name => {
    expect(normalizeInbox(name)).toBe('INBOX')
    expect(decodeMailboxName(bytes(name), false)).toEqual({ ok: true, value: 'INBOX' })
  })

  test('only the name INBOX itself is case-insensitive', () => {
    expect(normalizeInbox('inbox/sub')).toBe('inbox/sub')
    expect(normalizeInbox('Inboxes')).toBe('Inboxes')
  })

  test('without UTF8=ACCEPT names are modified UTF-7 and 8-bit is refused', () => {
    expect(decodeMailboxName(bytes('Entw&APw-rfe'), false)).toEqual({ ok: true, value: 'Entwürfe' })
    expect(decodeMailboxName(bytes('Entwürfe'), false).ok).toBe(false)
  })

  test('with UTF8=ACCEPT names are raw UTF-8 and "&" is literal', () => {
    expect(decodeMailboxName(bytes('Entwürfe'), true)).toEqual({ ok: true, value: 'Entwürfe' })
    expect(decodeMailboxName(bytes('Entw&APw-rfe'), true)).toEqual({ ok: true, value: 'Entw&APw-rfe' })
    expect(decodeMailboxName(bytes([0xc3, 0x28]), true)).toEqual({
      ok: false,
      error: 'Mailbox name is not valid UTF-8',
    })
    expect(decodeMailboxName(bytes('a\u0085b'), true).ok).toBe(false)
  })

  test('overlong names are refused', () => {
    expect(decodeMailboxName(bytes('x'.repeat(5000)), false).ok).toBe(false)
  })

  test('encodeMailboxName follows the UTF-8 mode', () => {
    expect(encodeMailboxName('日本語', false)).toBe('&ZeVnLIqe-')
    expect(encodeMailboxName('日本語', true)).toBe('日本語')
  })
})
