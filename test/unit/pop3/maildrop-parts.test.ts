// The small parts of a POP3 maildrop: the snapshot's numbering and marks (RFC 1939 §5), UID ranges
// for storage, the in-process maildrop lock, the wire-size cache, UIDL ids and the CAPA list.
import { describe, expect, test } from 'bun:test'
import { capabilities } from '../../../src/pop3/protocol/capabilities.ts'
import { Pop3Error } from '../../../src/pop3/protocol/pop3-error.ts'
import { errLine, multiLine, okLine } from '../../../src/pop3/protocol/response.ts'
import { uniqueId } from '../../../src/pop3/protocol/unique-id.ts'
import { Maildrop, type MaildropMessage, toUidRanges } from '../../../src/pop3/session/maildrop.ts'
import { createMaildropLocks } from '../../../src/pop3/session/maildrop-locks.ts'
import { createWireSizeCache } from '../../../src/pop3/session/wire-size-cache.ts'

const message = (uid: number, size: number): MaildropMessage => ({
  uid,
  storedSize: size,
  seen: false,
  wireSize: size,
  deleted: false,
  retrieved: false,
  file: null,
})

describe('Maildrop', () => {
  const drop = () => new Maildrop(7, 1234, [message(3, 100), message(5, 200), message(9, 300)])

  test.each([0, 4, -1, Number.MAX_SAFE_INTEGER])('message %p does not exist', n => {
    expect(() => drop().message(n)).toThrow(Pop3Error)
  })

  test('DELE marks hide a message from STAT and the listings; RSET brings it back', () => {
    const d = drop()
    d.message(2).deleted = true
    expect(d.stat()).toEqual({ count: 2, octets: 400 })
    expect(d.live().map(l => l.msg)).toEqual([1, 3])
    expect(() => d.message(2)).toThrow(/already deleted/)
    expect(d.deletedUids()).toEqual([5])
    d.reset()
    expect(d.stat()).toEqual({ count: 3, octets: 600 })
    expect(d.deletedUids()).toEqual([])
  })

  test('retrieved messages that were unseen and are not deleted get \\Seen', () => {
    const d = new Maildrop(1, 1, [message(1, 1), { ...message(2, 1), seen: true }, message(3, 1), message(4, 1)])
    for (const n of [1, 2, 3]) d.message(n).retrieved = true
    d.message(3).deleted = true
    expect(d.newlySeenUids()).toEqual([1])
  })
})

test.each<[number[], Array<{ from: number; to: number }>]>([
  [[], []],
  [[5], [{ from: 5, to: 5 }]],
  [
    [1, 2, 3, 7, 9, 10],
    [
      { from: 1, to: 3 },
      { from: 7, to: 7 },
      { from: 9, to: 10 },
    ],
  ],
  [
    [10, 2, 1, 3],
    [
      { from: 1, to: 3 },
      { from: 10, to: 10 },
    ],
  ],
  [[4, 4, 5], [{ from: 4, to: 5 }]],
])('toUidRanges(%p)', (uids, ranges) => {
  expect(toUidRanges(uids)).toEqual(ranges)
})

describe('maildrop locks', () => {
  test('one holder per account; release is idempotent and frees only its own lock', () => {
    const locks = createMaildropLocks()
    const a = locks.tryAcquire(1)
    expect(a).not.toBeNull()
    expect(locks.tryAcquire(1)).toBeNull()
    const b = locks.tryAcquire(2)
    expect(locks.held).toBe(2)
    a?.release()
    a?.release()
    expect(locks.held).toBe(1)
    const again = locks.tryAcquire(1)
    expect(again).not.toBeNull()
    a?.release() // a stale handle must not free the new holder's lock
    expect(locks.tryAcquire(1)).toBeNull()
    again?.release()
    b?.release()
    expect(locks.held).toBe(0)
  })
})

describe('wire-size cache', () => {
  test('keys include UIDVALIDITY; least recently used entries go first', () => {
    const cache = createWireSizeCache(2)
    cache.set(1, 10, 1, 100)
    cache.set(1, 10, 2, 200)
    expect(cache.get(1, 11, 1)).toBeUndefined()
    expect(cache.get(1, 10, 1)).toBe(100) // touch: uid 2 is now the oldest
    cache.set(1, 10, 3, 300)
    expect(cache.size).toBe(2)
    expect(cache.get(1, 10, 2)).toBeUndefined()
    expect(cache.get(1, 10, 1)).toBe(100)
    expect(cache.get(1, 10, 3)).toBe(300)
  })
})

describe('UIDL unique ids', () => {
  test.each<[number, number, string]>([
    [1, 1, '0000000100000001'],
    [255, 1700000000, '000000FF6553F100'],
    [4294967295, 4294967295, 'FFFFFFFFFFFFFFFF'],
  ])('uid %p, uidvalidity %p', (uid, validity, id) => {
    expect(uniqueId(uid, validity)).toBe(id)
    expect(id).toMatch(/^[\x21-\x7e]{1,70}$/) // RFC 1939 §7
  })
})

describe('responses and CAPA', () => {
  test('status lines never contain a line break from user input', () => {
    expect(okLine()).toBe('+OK\r\n')
    expect(okLine('a\r\nb')).toBe('+OK a b\r\n')
    expect(errLine('no', 'IN-USE')).toBe('-ERR [IN-USE] no\r\n')
    expect(multiLine('x', ['.a', 'b'])).toBe('+OK x\r\n..a\r\nb\r\n.\r\n')
  })

  test.each<[string, Parameters<typeof capabilities>[0], string[]]>([
    [
      'plaintext before STLS',
      { authorization: true, secure: false, tlsAvailable: true, loginAllowed: false },
      ['STLS'],
    ],
    [
      'after TLS',
      { authorization: true, secure: true, tlsAvailable: true, loginAllowed: true },
      ['USER', 'SASL PLAIN LOGIN'],
    ],
    [
      'plaintext with allowInsecureAuth',
      { authorization: true, secure: false, tlsAvailable: true, loginAllowed: true },
      ['USER', 'SASL PLAIN LOGIN', 'STLS'],
    ],
    ['after login', { authorization: false, secure: true, tlsAvailable: false, loginAllowed: true }, []],
  ])('%s', (_name, context, extra) => {
    const base = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING']
    expect(capabilities(context)).toEqual([...base, ...extra, 'IMPLEMENTATION mail-server'])
  })
})
