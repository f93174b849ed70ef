// The streaming mbox reader: separators, mboxrd unquoting, the separator's empty line, and every
// malformation it reports (with line numbers) while reading on; the same file in any chunk size.
import { describe, expect, test } from 'bun:test'
import { toCrlf } from '../../../src/import-export/line-endings.ts'
import { type MboxEvent, readMbox } from '../../../src/import-export/mbox-reader.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

async function read(text: string | Uint8Array, chunkSize = 1 << 20, maxMessageBytes?: number, crlf?: boolean) {
  const bytes = typeof text === 'string' ? enc(text) : text
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.slice(i, i + chunkSize)
  }
  const events: MboxEvent[] = []
  for await (const e of readMbox(chunks(), { maxMessageBytes, crlf })) events.push(e)
  return events
}

const summary = (events: MboxEvent[]) =>
  events.map(e =>
    e.kind === 'message' ? { line: e.line, content: dec(e.content) } : { problem: e.line, text: e.message },
  )

const FROM1 = 'From ann@example.test Thu Jan  1 00:00:00 2026'
const FROM2 = 'From bob@example.test Fri Jan  2 10:30:00 2026'

describe('well-formed files', () => {
  test.each([
    ['one message', `${FROM1}\nSubject: a\n\nbody\n\n`, [{ line: 1, content: 'Subject: a\n\nbody\n' }]],
    ['no trailing empty line', `${FROM1}\nSubject: a\n\nbody\n`, [{ line: 1, content: 'Subject: a\n\nbody\n' }]],
    [
      'two messages',
      `${FROM1}\nSubject: a\n\none\n\n${FROM2}\nSubject: b\n\ntwo\n\n`,
      [
        { line: 1, content: 'Subject: a\n\none\n' },
        { line: 6, content: 'Subject: b\n\ntwo\n' },
      ],
    ],
    [
      'mboxrd quoting undone one level',
      `${FROM1}\nSubject: a\n\n>From here\n>>From there\n>Fromage\n\n`,
      [{ line: 1, content: 'Subject: a\n\nFrom here\n>From there\n>Fromage\n' }],
    ],
    [
      'body "From " line without a time is body (no blank line before)',
      `${FROM1}\nSubject: a\n\ntext\nFrom me to you\n\n`,
      [{ line: 1, content: 'Subject: a\n\ntext\nFrom me to you\n' }],
    ],
    [
      'separator with a time but no blank line before it',
      `${FROM1}\nSubject: a\n\ntext\n${FROM2}\nSubject: b\n\nx\n`,
      [
        { line: 1, content: 'Subject: a\n\ntext\n' },
        { line: 5, content: 'Subject: b\n\nx\n' },
      ],
    ],
    ['CRLF file', `${FROM1}\r\nSubject: a\r\n\r\nbody\r\n\r\n`, [{ line: 1, content: 'Subject: a\r\n\r\nbody\r\n' }]],
    ['header-only message', `${FROM1}\nSubject: a\nX-Empty: b\n\n`, [{ line: 1, content: 'Subject: a\nX-Empty: b\n' }]],
    ['folded header', `${FROM1}\nSubject: a\n  folded\n\nb\n`, [{ line: 1, content: 'Subject: a\n  folded\n\nb\n' }]],
  ])('%s', async (_name, text, expected) => {
    expect(summary(await read(text))).toEqual(expected)
  })

  test('the From_ line gives sender and date', async () => {
    const [event] = await read(`${FROM2}\nSubject: a\n\nb\n`)
    expect(event?.kind).toBe('message')
    if (event?.kind !== 'message') return
    expect(event.from).toEqual({ sender: 'bob@example.test', date: Date.UTC(2026, 0, 2, 10, 30, 0) })
  })
})

describe('malformed files: reported with line numbers, the rest read', () => {
  test.each([
    [
      'no From_ line at the start',
      `Subject: stray\nline two\n${FROM1}\nSubject: a\n\nok\n`,
      [
        { problem: 1, text: 'no "From " line before it: lines 1–2 skipped' },
        { line: 3, content: 'Subject: a\n\nok\n' },
      ],
    ],
    [
      'first line of a message is not a header field',
      `${FROM1}\nnot a header\n\nx\n\n${FROM2}\nSubject: b\n\nok\n`,
      [
        { problem: 2, text: 'not a header field: message at line 1 skipped' },
        { line: 6, content: 'Subject: b\n\nok\n' },
      ],
    ],
    [
      'header block breaks off',
      `${FROM1}\nSubject: a\nthis is body text\n\n${FROM2}\nSubject: b\n\nok\n`,
      [
        { problem: 3, text: 'header block breaks off (not a field): message at line 1 skipped' },
        { line: 5, content: 'Subject: b\n\nok\n' },
      ],
    ],
    [
      'empty message',
      `${FROM1}\n\n${FROM2}\nSubject: b\n\nok\n`,
      [
        { problem: 1, text: 'empty message or no header fields: message at line 1 skipped' },
        { line: 3, content: 'Subject: b\n\nok\n' },
      ],
    ],
    [
      'truncated last message',
      `${FROM1}\nSubject: a\n\nok\n\n${FROM2}\nSubject: b\n\ncut off in the mid`,
      [
        { line: 1, content: 'Subject: a\n\nok\n' },
        { problem: 9, text: 'the file ends in the middle of line 9 (truncated): message at line 6 skipped' },
      ],
    ],
    ['empty file', '', []],
  ])('%s', async (_name, text, expected) => {
    expect(summary(await read(text))).toEqual(expected)
  })

  test('a message above the size limit is skipped and reported', async () => {
    const big = `${FROM1}\nSubject: big\n\n${'x'.repeat(200)}\n\n${FROM2}\nSubject: b\n\nok\n`
    expect(summary(await read(big, 1 << 20, 100))).toEqual([
      { problem: 1, text: 'larger than 100 bytes: message at line 1 skipped' },
      { line: 6, content: 'Subject: b\n\nok\n' },
    ])
  })
})

describe('chunking', () => {
  const file = `garbage\n${FROM1}\nSubject: a\n\n>From x\nline\n\n${FROM2}\r\nSubject: b\r\n\r\nbody\r\n\r\n${FROM1}\nbad\n\n${FROM2}\nSubject: c\n\nend`
  test.each([1, 2, 3, 7, 64, 512])('chunks of %i bytes give the same events', async size => {
    expect(summary(await read(file, size))).toEqual(summary(await read(file)))
  })
})

describe('crlf option', () => {
  // Bare LFs, CRLFs, a lone CR, quoting, a malformed part and a truncated end, in one file.
  const file =
    `garbage\n${FROM1}\nSubject: a\n\n>From x\nline\r\n\n${FROM2}\r\nSubject: b\r\n\r\nbo\rdy\r\n\r\n` +
    `${FROM1}\nbad\n\n${FROM2}\nSubject: c\n\n\nend\n\n${FROM1}\nSubject: d\n\ncut`
  const converted = (events: MboxEvent[]) =>
    summary(events.map(e => (e.kind === 'message' ? { ...e, content: toCrlf(e.content) } : e)))

  test.each([1, 2, 3, 7, 64, 1 << 20])(
    'chunks of %i bytes: the events of toCrlf applied to each message',
    async size => {
      const events = await read(file, size, undefined, true)
      expect(summary(events)).toEqual(converted(await read(file)))
      for (const e of events) if (e.kind === 'message') expect(dec(e.content)).not.toMatch(/[^\r]\n|^\n/)
    },
  )

  test('messages larger than a block of converted bytes (1 MiB) come out whole, each its own bytes', async () => {
    const body = (c: string) => `${c.repeat(99)}\n`.repeat(6000) // 600,000 bytes, 606,000 with CRLF
    const big = `${FROM1}\nSubject: a\n\n${body('a')}\n${FROM2}\nSubject: b\n\n${body('b')}\n${FROM1}\nSubject: c\n\n${body('c')}`
    const events = await read(big, 65_536, undefined, true)
    expect(summary(events)).toEqual(converted(await read(big, 65_536)))
    expect(events.map(e => (e.kind === 'message' ? e.content.length : 0))).toEqual([606_014, 606_014, 606_014])
  })

  test('a message above the size limit counts the bytes of the file, as without the option', async () => {
    const big = `${FROM1}\nSubject: big\n\n${'x\n'.repeat(40)}\n${FROM2}\nSubject: b\n\nok\n`
    const limit = 95 // the message has 95 bytes in the file, 137 with CRLF
    const withCrlf = (e: ReturnType<typeof summary>[number]) =>
      'content' in e && e.content !== undefined ? { ...e, content: e.content.replaceAll('\n', '\r\n') } : e
    expect(summary(await read(big, 1 << 20, limit, true))).toEqual(
      summary(await read(big, 1 << 20, limit)).map(withCrlf),
    )
    expect(summary(await read(big, 1 << 20, limit - 1, true))[0]).toEqual({
      problem: 1,
      text: 'larger than 94 bytes: message at line 1 skipped',
    })
  })
})
