// DATA reader: dot-unstuffing, the end marker across chunk boundaries, SMTP smuggling variants,
// limits and pipelined leftovers. Every case is replayed in several chunk sizes and must give the
// same result each time.
import { describe, expect, test } from 'bun:test'
import { type DataReaderOptions, DataReader, type DataReaderResult } from '../../../src/smtp/protocol/data-reader.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap(p => (typeof p === 'string' ? [...enc(p)] : p)))

const CHUNK_SIZES = [1, 2, 3, 5, 8, 64, 512]

interface Outcome {
  message: string | null
  reply: string | null
  size: number
  /** What followed the end marker: the reader's leftover plus any chunks not fed to it. */
  leftover: string
}

type Done = Extract<DataReaderResult, { done: true }>

/** Feed `input` in pieces of `chunkSize`; stop feeding once done and keep the unread tail. */
function run(input: Uint8Array, chunkSize: number, options: Partial<DataReaderOptions> = {}): Outcome | null {
  const reader = new DataReader({ maxMessageSize: 1 << 20, ...options })
  let done: Done | null = null
  let rest = new Uint8Array(0)
  for (let i = 0; i < input.length; i += chunkSize) {
    const piece = input.subarray(i, i + chunkSize)
    if (done !== null) {
      rest = Uint8Array.from([...rest, ...piece])
      continue
    }
    const result = reader.push(piece)
    if (result.done) {
      done = result
      rest = Uint8Array.from(result.leftover)
    }
  }
  if (done === null) return null
  return {
    message: done.message === null ? null : Buffer.from(done.message).toString('latin1'),
    reply: done.error === null ? null : `${done.error.reply.code} ${done.error.reply.enhanced}`,
    size: done.size,
    leftover: Buffer.from(rest).toString('latin1'),
  }
}

/** Run in every chunk size, check they all agree, return the common outcome. */
function runAll(input: Uint8Array, options: Partial<DataReaderOptions> = {}): Outcome | null {
  const first = run(input, input.length || 1, options)
  for (const size of CHUNK_SIZES) expect({ size, outcome: run(input, size, options) }).toEqual({ size, outcome: first })
  return first
}

const ok = (message: string, leftover = ''): Outcome => ({
  message,
  reply: null,
  size: enc(message).length,
  leftover,
})

describe('DataReader: messages', () => {
  const cases: [string, string, Outcome][] = [
    ['plain message', 'Subject: hi\r\n\r\nHello\r\n.\r\n', ok('Subject: hi\r\n\r\nHello\r\n')],
    ['empty message (just the marker)', '.\r\n', ok('')],
    ['one empty line', '\r\n.\r\n', ok('\r\n')],
    ['dot-stuffed line', 'a\r\n..foo\r\n.\r\n', ok('a\r\n.foo\r\n')],
    ['dot-stuffed first line', '..foo\r\n.\r\n', ok('.foo\r\n')],
    ['line of two dots is one dot', 'a\r\n..\r\n.\r\n', ok('a\r\n.\r\n')],
    ['unstuffed leading dot is removed (RFC 5321 §4.5.2)', '.foo\r\n.\r\n', ok('foo\r\n')],
    ['dot not at line start is content', 'a.\r\nb . c\r\n.\r\n', ok('a.\r\nb . c\r\n')],
    ['"." followed by text is not the marker', 'a\r\n.x\r\n.\r\n', ok('a\r\nx\r\n')],
    ['marker ".\\r\\n" mid-line is content', 'a.\r\n.\r\n', ok('a.\r\n')],
    // The content always ends with the CRLF that precedes the marker: "no trailing CRLF" cannot be sent.
    ['content keeps its final CRLF', 'body\r\n.\r\n', ok('body\r\n')],
    ['a final line without CRLF is not terminated by "."', 'body.\r\n.\r\n', ok('body.\r\n')],
    ['pipelined command after the marker', 'Hi\r\n.\r\nQUIT\r\n', ok('Hi\r\n', 'QUIT\r\n')],
    [
      'two messages: only the first is read',
      'A\r\n.\r\nMAIL FROM:<>\r\nB\r\n.\r\n',
      ok('A\r\n', 'MAIL FROM:<>\r\nB\r\n.\r\n'),
    ],
    ['CR CR LF before the marker', 'a\r\r\n.\r\n', { ...ok(''), message: null, reply: '550 5.5.2', size: 5 }],
  ]

  test.each(cases)('%s', (_label, input, expected) => {
    expect(runAll(enc(input))).toEqual(expected)
  })

  test('8-bit bytes and NULs pass through untouched', () => {
    const body = [0x00, 0x80, 0xc3, 0xa9, 0xff, 0xfe, 0x7f]
    const out = runAll(bytes('Subject: ', body, '\r\n\r\n', body, '\r\n.\r\n'))
    expect(out?.message).toBe(Buffer.from(bytes('Subject: ', body, '\r\n\r\n', body, '\r\n')).toString('latin1'))
  })

  test('no end marker yet: not done, whatever the chunking', () => {
    for (const size of CHUNK_SIZES) expect(run(enc('a\r\n.\r'), size)).toBeNull()
    for (const size of CHUNK_SIZES) expect(run(enc('a\r\n..\r\n'), size)).toBeNull()
  })

  test('a large message in many chunk sizes is byte-identical', () => {
    const lines: string[] = []
    for (let i = 0; i < 2000; i++)
      lines.push(i % 7 === 0 ? `.line ${i} ${'x'.repeat(i % 90)}` : `line ${i} ${'é'.repeat(i % 30)}`)
    const wire = `${lines.map(l => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\nNOOP\r\n`
    const expected = `${lines.join('\r\n')}\r\n`
    const out = runAll(enc(wire))
    expect(out?.message).toBe(Buffer.from(enc(expected)).toString('latin1'))
    expect(out?.leftover).toBe('NOOP\r\n')
  })

  test('push() after the end is a programming error', () => {
    const reader = new DataReader({ maxMessageSize: 100 })
    expect(reader.push(enc('.\r\n')).done).toBe(true)
    expect(() => reader.push(enc('x'))).toThrow()
  })
})

describe('DataReader: SMTP smuggling (bare CR / LF)', () => {
  // Each variant hides a second message after a fake end marker; the real marker comes last.
  const smuggled =
    'MAIL FROM:<admin@bank.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nFrom: admin\r\n\r\nPay now\r\n'
  const variants: [string, string][] = [
    ['\\n.\\n', '\n.\n'],
    ['\\r\\n.\\n', '\r\n.\n'],
    ['\\n.\\r\\n', '\n.\r\n'],
    ['\\r.\\r', '\r.\r'],
    ['\\r.\\r\\n', '\r.\r\n'],
    ['\\r\\n.\\r', '\r\n.\r'],
    ['\\r.\\n', '\r.\n'],
  ]

  test.each(variants)('%s does not end the message and is rejected 550 5.5.2', (_label, fake) => {
    const input = `Subject: x\r\n\r\nhello${fake}${smuggled}.\r\nQUIT\r\n`
    const out = runAll(enc(input))
    expect(out?.message).toBeNull()
    expect(out?.reply).toBe('550 5.5.2')
    // The whole smuggled block was consumed as content: only what follows the real marker is left.
    expect(out?.leftover).toBe('QUIT\r\n')
  })

  test.each(variants)('%s in normalize mode: one message, CRLF only, smuggled text stays content', (_label, fake) => {
    const input = `Subject: x\r\n\r\nhello${fake}${smuggled}.\r\nQUIT\r\n`
    const out = runAll(enc(input), { bareLineEndings: 'normalize' })
    expect(out?.reply).toBeNull()
    expect(out?.leftover).toBe('QUIT\r\n')
    const message = out?.message ?? ''
    expect(message).toContain('MAIL FROM:<admin@bank.example>\r\n')
    // No bare CR or LF survives: every CR is followed by LF and every LF preceded by CR.
    expect(/\r(?!\n)|(?<!\r)\n/.test(message)).toBe(false)
  })

  test('normalize: bare LF lines become CRLF lines and are still dot-unstuffed', () => {
    const out = runAll(enc('a\nb\n..c\r\n.\r\n'), { bareLineEndings: 'normalize' })
    expect(out?.message).toBe('a\r\nb\r\n.c\r\n')
  })

  test('normalize: a "." line ended by a bare LF is content, kept as "."', () => {
    const out = runAll(enc('a\r\n.\nb\r\n.\r\n'), { bareLineEndings: 'normalize' })
    expect(out?.message).toBe('a\r\n.\r\nb\r\n')
  })

  test('a lone bare LF anywhere rejects the message', () => {
    expect(runAll(enc('line one\nline two\r\n.\r\n'))?.reply).toBe('550 5.5.2')
    // "\n.\r\n" after a bare LF is content, so this one has not ended yet...
    expect(runAll(enc('x\r\n\n.\r\n'))).toBeNull()
    // ...until a real CRLF "." CRLF arrives.
    expect(runAll(enc('x\r\n\n.\r\n.\r\n'))?.reply).toBe('550 5.5.2')
  })
})

describe('DataReader: limits', () => {
  test('size limit: exactly at the limit is accepted', () => {
    const message = 'a'.repeat(8) + '\r\n' // 10 octets
    expect(runAll(enc(`${message}.\r\n`), { maxMessageSize: 10 })?.message).toBe(message)
  })

  test('size limit: one over is 552 5.3.4 after reading to the end marker', () => {
    const input = `${'a'.repeat(9)}\r\n${'b'.repeat(100)}\r\n.\r\nRSET\r\n`
    const out = runAll(enc(input), { maxMessageSize: 10 })
    expect(out).toEqual({ message: null, reply: '552 5.3.4', size: 113, leftover: 'RSET\r\n' })
  })

  test('size counts octets after dot-unstuffing', () => {
    expect(runAll(enc('..ab\r\n.\r\n'), { maxMessageSize: 5 })?.message).toBe('.ab\r\n')
  })

  test('past the limit, a huge body is read without being buffered', () => {
    const reader = new DataReader({ maxMessageSize: 1000 })
    const block = enc(`${'z'.repeat(998)}\r\n`)
    const buffered = () => (reader as unknown as { out: Uint8Array | null }).out?.length ?? 0
    let most = 0
    for (let i = 0; i < 5000; i++) {
      expect(reader.push(block).done).toBe(false)
      most = Math.max(most, buffered())
    }
    const end = reader.push(enc('.\r\n'))
    expect(end.done && end.error?.reply.code).toBe(552)
    expect(end.done && end.size).toBe(5_000_000)
    // The reader's own buffer never grew past the limit.
    expect(most).toBeLessThanOrEqual(1000)
  })

  test('a message in one chunk is a view of that chunk; in two, a copy of both runs', () => {
    const one = enc('Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n')
    const whole = new DataReader({ maxMessageSize: 1000 }).push(one)
    if (!whole.done || !whole.message) throw new Error('not done')
    expect(new TextDecoder().decode(whole.message)).toBe('Subject: x\r\n\r\nbody\r\n')
    expect(whole.message.buffer).toBe(one.buffer)
    expect(new TextDecoder().decode(whole.leftover)).toBe('QUIT\r\n')
    const split = new DataReader({ maxMessageSize: 1000 })
    expect(split.push(enc('Subject: x\r\n\r\nbo')).done).toBe(false)
    const rest = enc('dy\r\n..dot\r\n.\r\n')
    const joined = split.push(rest)
    if (!joined.done || !joined.message) throw new Error('not done')
    expect(new TextDecoder().decode(joined.message)).toBe('Subject: x\r\n\r\nbody\r\n.dot\r\n')
    expect(joined.message.buffer).not.toBe(rest.buffer)
  })

  test('line of 1000 octets with CRLF is fine, 1001 is 554 5.6.0', () => {
    expect(runAll(enc(`${'x'.repeat(998)}\r\n.\r\n`))?.reply).toBeNull()
    expect(runAll(enc(`${'x'.repeat(999)}\r\n.\r\n`))?.reply).toBe('554 5.6.0')
  })

  test('the transparency dot does not count toward the line limit (RFC 5321 §4.5.3.1.6)', () => {
    expect(runAll(enc(`.${'.'.repeat(998)}\r\n.\r\n`))?.reply).toBeNull()
  })

  test('line limit is configurable and can be disabled', () => {
    expect(runAll(enc('abcdef\r\n.\r\n'), { maxLineLength: 6 })?.reply).toBe('554 5.6.0')
    expect(runAll(enc(`${'x'.repeat(5000)}\r\n.\r\n`), { maxLineLength: Number.POSITIVE_INFINITY })?.reply).toBeNull()
  })

  test('the first failure wins', () => {
    expect(runAll(enc(`a\nb${'x'.repeat(2000)}\r\n.\r\n`), { maxMessageSize: 100 })?.reply).toBe('550 5.5.2')
  })
})
