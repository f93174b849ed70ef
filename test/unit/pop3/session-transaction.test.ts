// The POP3 TRANSACTION and UPDATE states over the in-memory transport, against real storage:
// STAT/LIST/UIDL numbers and sizes, RETR/TOP bytes (dot-stuffing, CRLF, 8-bit), DELE/RSET marks,
// QUIT applying them through storage in one step, and a dropped connection changing nothing.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { uniqueId } from '../../../src/pop3/protocol/unique-id.ts'
import {
  BOB,
  bodyLines,
  loggedIn,
  message,
  openSession,
  type Pop3Fixture,
  pop3Fixture,
} from './support/pop3-harness.ts'

let f: Pop3Fixture
beforeEach(async () => {
  f = await pop3Fixture()
})
afterEach(() => f.cleanup())

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1')
const storedUids = async (accountId = f.accounts.ann) =>
  (await f.storage.messages.list((await f.inbox(accountId)).id)).map(m => m.uid)

describe('STAT, LIST, UIDL', () => {
  test('numbers and sizes of the snapshot', async () => {
    const a = message('a')
    const b = message('b', 'x'.repeat(100))
    const uidA = await f.append(a)
    const uidB = await f.append(b)
    await f.append(message('bob only'), { accountId: f.accounts.bob })
    const h = await loggedIn(f)
    expect(await h.send('STAT')).toBe(`+OK 2 ${a.length + b.length}\r\n`)
    expect(bodyLines(await h.send('LIST'))).toEqual([`1 ${a.length}`, `2 ${b.length}`])
    expect(await h.send('LIST 2')).toBe(`+OK 2 ${b.length}\r\n`)
    const { uidValidity } = await f.inbox(f.accounts.ann)
    expect(bodyLines(await h.send('UIDL'))).toEqual([
      `1 ${uniqueId(uidA, uidValidity)}`,
      `2 ${uniqueId(uidB, uidValidity)}`,
    ])
    expect(await h.send('UIDL 1')).toBe(`+OK 1 ${uniqueId(uidA, uidValidity)}\r\n`)
  })

  test('an empty maildrop', async () => {
    const h = await loggedIn(f)
    expect(await h.send('STAT')).toBe('+OK 0 0\r\n')
    expect(await h.send('LIST')).toBe('+OK 0 messages (0 octets)\r\n.\r\n')
    expect(await h.send('UIDL')).toBe('+OK unique-id listing follows\r\n.\r\n')
  })

  test('sizes count a bare LF as CRLF, as RETR sends it (RFC 1939 §11)', async () => {
    const stored = 'Subject: lf\n\nline\n.dot\n'
    await f.append(stored)
    const h = await loggedIn(f)
    const wire = stored.replace(/\n/g, '\r\n')
    expect(await h.send('LIST 1')).toBe(`+OK 1 ${wire.length}\r\n`)
    const retr = await h.send('RETR 1')
    expect(retr).toBe(`+OK ${wire.length} octets\r\nSubject: lf\r\n\r\nline\r\n..dot\r\n.\r\n`)
  })

  test('messages delivered after login are not in the snapshot', async () => {
    await f.append(message('before'))
    const h = await loggedIn(f)
    await f.append(message('after'))
    expect(await h.send('STAT')).toStartWith('+OK 1 ')
    expect(await h.send('RETR 2')).toBe('-ERR no such message\r\n')
  })

  test.each(['LIST 0', 'LIST 3', 'UIDL 3', 'RETR 0', 'RETR 3', 'DELE 3', 'TOP 3 0', 'LIST 99999999999999999999'])(
    '%p: no such message',
    async line => {
      await f.append(message('a'))
      await f.append(message('b'))
      const h = await loggedIn(f)
      expect(await h.send(line)).toBe('-ERR no such message\r\n')
    },
  )

  test.each(['RETR x', 'DELE', 'LIST -1', 'TOP 1', 'UIDL 1 2', 'STAT 1'])('%p: syntax error', async line => {
    await f.append(message('a'))
    const h = await loggedIn(f)
    expect(await h.send(line)).toStartWith('-ERR ')
    expect(await h.send('NOOP')).toBe('+OK\r\n')
  })
})

describe('RETR and TOP', () => {
  test('RETR sends the stored bytes, dot-stuffed, with the exact octet count', async () => {
    const body = 'Hello.\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n'
    const stored = message('dots', body)
    await f.append(stored)
    const h = await loggedIn(f)
    const out = await h.send('RETR 1')
    const stuffed = stored.replace(/^\./gm, '..')
    expect(out).toBe(`+OK ${stored.length} octets\r\n${stuffed}.\r\n`)
  })

  test('8-bit bodies pass untouched', async () => {
    const head = new TextEncoder().encode('Subject: 8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\n')
    const eight = new Uint8Array([0xe9, 0xff, 0x80, 0x00, 0x2e, 0x0d, 0x0a, 0xc3, 0xa9, 0x0d, 0x0a])
    const stored = new Uint8Array([...head, ...eight])
    await f.append(stored)
    const h = await loggedIn(f)
    const out = await h.sendBytes('RETR 1')
    expect(latin1(out)).toBe(`+OK ${stored.length} octets\r\n${latin1(stored)}.\r\n`)
  })

  test('a message without a trailing CRLF still ends with CRLF.CRLF', async () => {
    const stored = 'Subject: open\r\n\r\nno newline at the end'
    await f.append(stored)
    const h = await loggedIn(f)
    expect(await h.send('RETR 1')).toBe(`+OK ${stored.length} octets\r\n${stored}\r\n.\r\n`)
  })

  test('a message whose last line is a lone dot', async () => {
    const stored = 'Subject: dot\r\n\r\n.'
    await f.append(stored)
    const h = await loggedIn(f)
    expect(await h.send('RETR 1')).toBe(`+OK ${stored.length} octets\r\nSubject: dot\r\n\r\n..\r\n.\r\n`)
  })

  test('TOP sends the header and n body lines', async () => {
    await f.append(message('top', 'one\r\n.two\r\nthree\r\n'))
    const h = await loggedIn(f)
    const header = message('top', '')
    expect(await h.send('TOP 1 0')).toBe(`+OK top of message follows\r\n${header}.\r\n`)
    expect(await h.send('TOP 1 2')).toBe(`+OK top of message follows\r\n${header}one\r\n..two\r\n.\r\n`)
    expect(await h.send('TOP 1 100')).toBe(`+OK top of message follows\r\n${header}one\r\n..two\r\nthree\r\n.\r\n`)
  })

  test('a message removed by another session since login: -ERR, the session goes on', async () => {
    const uid = await f.append(message('gone'))
    await f.append(message('stays'))
    const h = await loggedIn(f)
    const inbox = await f.inbox(f.accounts.ann)
    await f.storage.messages.setFlags(inbox.id, [{ from: uid, to: uid }], { mode: 'add', flags: ['\\Deleted'] })
    await f.storage.messages.expunge(inbox.id)
    expect(await h.send('RETR 1')).toBe('-ERR message 1 has been removed by another session\r\n')
    expect(await h.send('RETR 2')).toStartWith('+OK')
  })

  test('a message whose file was renamed since login (flags changed over IMAP) is still sent', async () => {
    const stored = message('renamed')
    const uid = await f.append(stored)
    const h = await loggedIn(f)
    const inbox = await f.inbox(f.accounts.ann)
    await f.storage.messages.setFlags(inbox.id, [{ from: uid, to: uid }], { mode: 'add', flags: ['\\Flagged'] })
    expect(await h.send('RETR 1')).toBe(`+OK ${stored.length} octets\r\n${stored}.\r\n`)
    expect(await h.send('TOP 1 0')).toStartWith('+OK top of message follows\r\nFrom: Ann')
  })

  test('a big message is streamed: a client that stops reading holds only a bounded queue', async () => {
    const line = `${'x'.repeat(98)}\r\n`
    const stored = `Subject: big\r\n\r\n${line.repeat(60_000)}` // about 6 MB
    await f.append(stored)
    const h = await loggedIn(f)
    await h.send('LIST 1')
    h.transport.holdOutput()
    h.transport.feed('RETR 1\r\n')
    for (let i = 0; i < 20; i++) await new Promise(r => setTimeout(r, 5))
    // The session stops reading the file once about 1 MiB is queued (plus one chunk in flight).
    expect(h.transport.queuedBytes).toBeGreaterThan(0)
    expect(h.transport.queuedBytes).toBeLessThan(2 * 1024 * 1024)
    h.transport.releaseOutput()
    await h.session.whenIdle()
    const out = h.transport.takeOutput()
    expect(out.length).toBe(`+OK ${stored.length} octets\r\n`.length + stored.length + 3)
    expect(out.endsWith(`${line}.\r\n`)).toBe(true)
  })
})

describe('DELE, RSET and QUIT (UPDATE)', () => {
  test('DELE marks; QUIT removes the messages from storage', async () => {
    const uids = [await f.append(message('1')), await f.append(message('2')), await f.append(message('3'))]
    const h = await loggedIn(f)
    expect(await h.send('DELE 1')).toBe('+OK message 1 deleted\r\n')
    expect(await h.send('DELE 3')).toBe('+OK message 3 deleted\r\n')
    expect(await h.send('DELE 1')).toBe('-ERR message 1 already deleted\r\n')
    expect(await h.send('RETR 1')).toBe('-ERR message 1 already deleted\r\n')
    expect(await h.send('STAT')).toBe(`+OK 1 ${message('2').length}\r\n`)
    expect(bodyLines(await h.send('LIST'))).toEqual([`2 ${message('2').length}`])
    expect(bodyLines(await h.send('UIDL')).map(l => l.split(' ')[0])).toEqual(['2'])
    // Nothing reaches storage before QUIT.
    expect(await storedUids()).toEqual(uids)
    expect(await h.send('QUIT')).toMatch(/^\+OK .* signing off \(1 messages left\)\r\n$/)
    expect(h.transport.closed).toBe(true)
    expect(await storedUids()).toEqual([uids[1] as number])
  })

  test('RSET unmarks everything', async () => {
    const uids = [await f.append(message('1')), await f.append(message('2'))]
    const h = await loggedIn(f)
    await h.send('DELE 1')
    await h.send('DELE 2')
    expect(await h.send('RSET')).toBe('+OK maildrop has 2 messages\r\n')
    expect(await h.send('STAT')).toStartWith('+OK 2 ')
    await h.send('QUIT')
    expect(await storedUids()).toEqual(uids)
  })

  test('a dropped connection deletes nothing and marks nothing seen', async () => {
    const uids = [await f.append(message('1')), await f.append(message('2'))]
    const h = await loggedIn(f)
    await h.send('RETR 1')
    await h.send('DELE 1')
    await h.send('DELE 2')
    h.transport.clientClose()
    await h.settle()
    expect(await storedUids()).toEqual(uids)
    const records = await f.storage.messages.list((await f.inbox(f.accounts.ann)).id)
    expect(records.every(r => !r.flags.includes('\\Seen') && !r.flags.includes('\\Deleted'))).toBe(true)
  })

  test('RETR marks \\Seen at QUIT; TOP does not', async () => {
    const [a, b] = [await f.append(message('a')), await f.append(message('b'))]
    const h = await loggedIn(f)
    await h.send('RETR 1')
    await h.send('TOP 2 0')
    await h.send('QUIT')
    const records = await f.storage.messages.list((await f.inbox(f.accounts.ann)).id)
    expect(records.find(r => r.uid === a)?.flags).toContain('\\Seen')
    expect(records.find(r => r.uid === b)?.flags).not.toContain('\\Seen')
  })

  test('QUIT leaves messages another client flagged \\Deleted alone', async () => {
    await f.append(message('a'))
    const b = await f.append(message('b'))
    const inbox = await f.inbox(f.accounts.ann)
    await f.storage.messages.setFlags(inbox.id, [{ from: b, to: b }], { mode: 'add', flags: ['\\Deleted'] })
    const h = await loggedIn(f)
    await h.send('DELE 1')
    await h.send('QUIT')
    expect(await storedUids()).toEqual([b])
  })

  test('deletions are visible to a concurrent storage reader right after QUIT', async () => {
    // The IMAP-side EXPUNGE test comes with the IMAP issue; here a second storage handle (as the
    // IMAP server would hold) reads the index.
    const uids = [await f.append(message('1')), await f.append(message('2'))]
    const reader = await import('../../../src/storage/index.ts').then(m =>
      m.createStorage({ dataDir: f.dir, hostname: 'test.example' }),
    )
    try {
      const inbox = await f.inbox(f.accounts.ann)
      expect((await reader.messages.list(inbox.id)).map(m => m.uid)).toEqual(uids)
      const h = await loggedIn(f)
      await h.send('DELE 2')
      expect((await reader.messages.list(inbox.id)).map(m => m.uid)).toEqual(uids)
      await h.send('QUIT')
      expect((await reader.messages.list(inbox.id)).map(m => m.uid)).toEqual([uids[0] as number])
      expect(await reader.messages.expungedSince(inbox.id, 0)).toEqual([uids[1] as number])
    } finally {
      reader.close()
    }
  })

  test('UIDL is stable across sessions and after deleting others', async () => {
    for (const s of ['1', '2', '3']) await f.append(message(s))
    const first = await loggedIn(f)
    const before = bodyLines(await first.send('UIDL')).map(l => l.split(' ')[1])
    await first.send('DELE 1')
    await first.send('QUIT')
    const second = await loggedIn(f)
    const after = bodyLines(await second.send('UIDL')).map(l => l.split(' ')[1])
    expect(after).toEqual(before.slice(1))
  })

  test('NOOP', async () => {
    const h = await loggedIn(f)
    expect(await h.send('NOOP')).toBe('+OK\r\n')
  })

  test("another account's session is independent", async () => {
    await f.append(message('a'))
    await f.append(message('b'), { accountId: f.accounts.bob })
    const ann = await loggedIn(f)
    const bob = openSession(f)
    await bob.send(`USER ${BOB.email}`)
    expect(await bob.send(`PASS ${BOB.password}`)).toBe(`+OK ${BOB.email} has 1 message\r\n`)
    await bob.send('DELE 1')
    await bob.send('QUIT')
    expect(await ann.send('STAT')).toStartWith('+OK 1 ')
    expect(await storedUids(f.accounts.bob)).toEqual([])
  })
})
