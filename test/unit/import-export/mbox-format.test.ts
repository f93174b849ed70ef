// The pieces around the mbox reader: From_ lines, Status/X-Status/X-Keywords, line endings, the
// Thunderbird tree names, header fields, and the writer's quoting (read back by the reader).
import { describe, expect, test } from 'bun:test'
import { findDateHeader, findMessageId, findReturnPath } from '../../../src/import-export/header-fields.ts'
import { toCrlf, toLf } from '../../../src/import-export/line-endings.ts'
import { formatFromLine, parseFromLine } from '../../../src/import-export/mbox-from-line.ts'
import { readMbox } from '../../../src/import-export/mbox-reader.ts'
import { putMboxMetadata, takeMboxMetadata } from '../../../src/import-export/mbox-status-headers.ts'
import { mailboxForMboxPath, mboxPathForMailbox } from '../../../src/import-export/mbox-tree.ts'
import { encodeMboxEntry } from '../../../src/import-export/mbox-writer.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

describe('From_ line', () => {
  test.each([
    ['From a@b Thu Jan  1 00:00:00 2026', 'a@b', Date.UTC(2026, 0, 1)],
    ['From a@b Fri Jan 02 10:30:05 2026', 'a@b', Date.UTC(2026, 0, 2, 10, 30, 5)],
    ['From a@b Fri Jan  2 10:30 2026', 'a@b', Date.UTC(2026, 0, 2, 10, 30)],
    ['From a@b Fri Jan  2 10:30:00 +0200 2026', 'a@b', Date.UTC(2026, 0, 2, 8, 30)],
    ['From a@b Fri Jan  2 10:30:00 2026 -0100', 'a@b', Date.UTC(2026, 0, 2, 11, 30)],
    ['From MAILER-DAEMON Fri Jan  2 10:30:00 UTC 2026', 'MAILER-DAEMON', Date.UTC(2026, 0, 2, 10, 30)],
    ['From a@b\r', 'a@b', null],
    ['From a@b yesterday', 'a@b', null],
    ['From a@b Foo Jan  2 10:30:00 2026', 'a@b', Date.UTC(2026, 0, 2, 10, 30)],
    ['From a@b Fri Xyz  2 10:30:00 2026', 'a@b', null],
  ])('%s', (line, sender, date) => {
    expect(parseFromLine(line)).toEqual({ sender, date })
  })

  test.each([
    ['a@b', Date.UTC(2026, 0, 1, 9, 5, 7), 'From a@b Thu Jan  1 09:05:07 2026'],
    ['', Date.UTC(2025, 11, 31, 23, 59, 59), 'From MAILER-DAEMON Wed Dec 31 23:59:59 2025'],
    ['has space', Date.UTC(2026, 1, 10), 'From MAILER-DAEMON Tue Feb 10 00:00:00 2026'],
  ])('format %p', (sender, date, line) => {
    expect(formatFromLine(sender, date)).toBe(line)
    expect(parseFromLine(line).date).toBe(date)
  })
})

describe('Status / X-Status / X-Keywords', () => {
  test.each([
    ['Status: RO\nSubject: a\n\nbody\n', ['\\Seen'], [], 'Subject: a\n\nbody\n'],
    ['Subject: a\nStatus: O\n\nbody\n', [], [], 'Subject: a\n\nbody\n'],
    ['X-Status: AFTD\nSubject: a\n\nb\n', ['\\Answered', '\\Flagged', '\\Draft', '\\Deleted'], [], 'Subject: a\n\nb\n'],
    [
      'X-Keywords: $Forwarded, Work\n  Later\nSubject: a\n\nb\n',
      [],
      ['$Forwarded', 'Work', 'Later'],
      'Subject: a\n\nb\n',
    ],
    ['X-UID: 7\nX-IMAPbase: 1 2\nSubject: a\n\nb\n', [], [], 'Subject: a\n\nb\n'],
    ['Subject: a\n\nStatus: RO\n', [], [], 'Subject: a\n\nStatus: RO\n'],
    ['Subject: a\r\nStatus: R\r\n\r\nb\r\n', ['\\Seen'], [], 'Subject: a\r\n\r\nb\r\n'],
  ] as Array<[string, string[], string[], string]>)('%p', (input, flags, keywords, content) => {
    const meta = takeMboxMetadata(enc(input))
    expect([...meta.flags].sort() as string[]).toEqual([...flags].sort())
    expect(meta.keywords).toEqual(keywords)
    expect(dec(meta.content)).toBe(content)
  })

  test('put then take gives the same state and message', () => {
    const original = enc('Subject: a\nStatus: R\n\nbody\n')
    const written = putMboxMetadata(original, ['\\Seen', '\\Flagged'], ['Work'])
    expect(dec(written)).toBe('Subject: a\nStatus: RO\nX-Status: F\nX-Keywords: Work\n\nbody\n')
    const back = takeMboxMetadata(written)
    expect(back.flags.sort()).toEqual(['\\Flagged', '\\Seen'])
    expect(back.keywords).toEqual(['Work'])
    expect(dec(back.content)).toBe('Subject: a\n\nbody\n')
  })

  test('a header-only message without final newline gets one before the fields', () => {
    expect(dec(putMboxMetadata(enc('Subject: a'), [], []))).toBe('Subject: a\nStatus: O\n')
  })
})

describe('line endings', () => {
  test.each([
    ['a\nb\n', 'a\r\nb\r\n'],
    ['a\r\nb\n', 'a\r\nb\r\n'],
    ['\n', '\r\n'],
    ['no newline', 'no newline'],
    ['lone\rcr\n', 'lone\rcr\r\n'],
    ['', ''],
  ])('%p → CRLF', (lf, crlf) => {
    expect(dec(toCrlf(enc(lf)))).toBe(crlf)
  })
  test.each([
    ['a\r\nb\r\n', 'a\nb\n'],
    ['a\r\rb\r\n', 'a\r\rb\n'],
    ['plain', 'plain'],
  ])('%p → LF', (crlf, lf) => {
    expect(dec(toLf(enc(crlf)))).toBe(lf)
  })
  test('unchanged input is returned as is (no copy)', () => {
    const bytes = enc('a\r\nb\r\n')
    expect(toCrlf(bytes)).toBe(bytes)
  })
})

describe('mbox tree names', () => {
  test.each([
    ['INBOX', 'INBOX'],
    ['Lists/bun', 'Lists.sbd/bun'],
    ['a/b/c', 'a.sbd/b.sbd/c'],
    ['.hidden', '%2ehidden'],
    ['100%', '100%25'],
    ['x.sbd', 'x%2esbd'],
    ['Entwürfe', 'Entwürfe'],
  ])('%p ↔ %p', (name, path) => {
    expect(mboxPathForMailbox(name)).toBe(path)
    expect(mailboxForMboxPath(path)).toBe(name)
  })
  test('plain directories are hierarchy levels too', () => {
    expect(mailboxForMboxPath('Archive/2020')).toBe('Archive/2020')
  })
})

describe('header fields', () => {
  const msg = enc(
    'Return-Path: <bounce@x.test>\r\nMessage-ID:\r\n <id@x.test>\r\nDate: Tue, 1 Apr 2025 10:00:00 +0200 (CEST)\r\n\r\nMessage-ID: <body@x>\r\n',
  )
  test('read from the header block only', () => {
    expect(findMessageId(msg)).toBe('<id@x.test>')
    expect(findDateHeader(msg)).toBe(Date.UTC(2025, 3, 1, 8))
    expect(findReturnPath(msg)).toBe('bounce@x.test')
  })
  test('absent fields are null', () => {
    const bare = enc('Subject: x\r\n\r\nMessage-ID: <no@x>\r\n')
    expect([findMessageId(bare), findDateHeader(bare), findReturnPath(bare)]).toEqual([null, null, null])
  })
})

describe('writer', () => {
  test('quotes From lines and reads back byte for byte (CRLF store ↔ LF file)', async () => {
    const stored = enc('Subject: q\r\n\r\nFrom the start\r\n>From quoted\r\n>>From twice\r\nend\r\n')
    const parts = encodeMboxEntry({
      content: stored,
      flags: ['\\Seen'],
      keywords: [],
      internalDate: Date.UTC(2026, 0, 1),
      sender: 'a@b',
    })
    const file = Buffer.concat(parts)
    expect(file.toString()).toContain('\n>From the start\n>>From quoted\n>>>From twice\n')
    const events = []
    for await (const e of readMbox(
      (async function* () {
        yield new Uint8Array(file)
      })(),
    ))
      events.push(e)
    expect(events).toHaveLength(1)
    const event = events[0]
    if (event?.kind !== 'message') throw new Error('expected a message')
    const meta = takeMboxMetadata(event.content)
    expect(dec(toCrlf(meta.content))).toBe(dec(stored))
    expect(meta.flags).toEqual(['\\Seen'])
  })
})
