// LineReader tables: line endings, chunk-size replay (Stalwart style), limits, literals, 8-bit bytes.
import { describe, expect, test } from 'bun:test'
import { BareLineFeedError, type LineEnding, LineReader, LineTooLongError } from '../../../src/net/line-reader.ts'

const enc = new TextEncoder()
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1')
const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'))

type Item = string | { error: string }

/** Feed `input` in chunks of `size`, reading every complete line after each chunk. */
function replay(input: Uint8Array, size: number, options: { lineEnding?: LineEnding; max?: number } = {}): Item[] {
  const reader = new LineReader({ lineEnding: options.lineEnding, maxLineLength: options.max })
  const out: Item[] = []
  for (let i = 0; i < input.length; i += size) {
    reader.push(input.subarray(i, i + size))
    for (;;) {
      try {
        const line = reader.lineBytes()
        if (line === null) break
        out.push(latin1(line))
      } catch (e) {
        out.push({ error: (e as Error).name })
      }
    }
  }
  return out
}

const CHUNK_SIZES = [1, 2, 3, 7, 64, 512]

describe('line framing', () => {
  const cases: Array<[string, string, LineEnding, Item[]]> = [
    ['CRLF lines', 'EHLO a\r\nMAIL FROM:<x@y>\r\n', 'crlf-or-lf', ['EHLO a', 'MAIL FROM:<x@y>']],
    ['empty lines', '\r\n\r\nx\r\n', 'crlf-or-lf', ['', '', 'x']],
    ['bare LF accepted', 'a\nb\r\nc\n', 'crlf-or-lf', ['a', 'b', 'c']],
    ['bare CR inside a line is data', 'a\rb\r\n\rc\r\n', 'crlf-or-lf', ['a\rb', '\rc']],
    ['CRCRLF keeps one CR', 'a\r\r\n', 'crlf-or-lf', ['a\r']],
    ['incomplete last line waits', 'a\r\nb', 'crlf-or-lf', ['a']],
    ['8-bit bytes preserved', 'caf\xe9 \xff\x00\x80\r\n', 'crlf-or-lf', ['caf\xe9 \xff\x00\x80']],
    ['crlf mode: bare LF is data', 'a\nb\r\n.\n\r\n', 'crlf', ['a\nb', '.\n']],
    ['crlf mode: smuggling \\n.\\n stays inside', 'x\n.\nMAIL FROM:<e>\r\n', 'crlf', ['x\n.\nMAIL FROM:<e>']],
    ['crlf mode: LF first', '\n\r\n', 'crlf', ['\n']],
    [
      'reject mode: bare LF line reported, reading continues',
      'ok\r\nbad\nok2\r\n',
      'reject-bare-lf',
      ['ok', { error: 'BareLineFeedError' }, 'ok2'],
    ],
  ]
  for (const [name, input, lineEnding, expected] of cases) {
    test.each(CHUNK_SIZES)(`${name} (chunks of %i)`, size => {
      expect(replay(bytes(input), size, { lineEnding })).toEqual(expected)
    })
  }

  test('line() decodes UTF-8, and bad bytes become U+FFFD', () => {
    const reader = new LineReader()
    reader.push(enc.encode('RCPT TO:<jürgen@exämple.de>\r\n'))
    reader.push(bytes('\xff\r\n'))
    expect(reader.line()).toBe('RCPT TO:<jürgen@exämple.de>')
    expect(reader.line()).toBe('\ufffd')
    expect(reader.line()).toBeNull()
  })

  test('the whole table concatenated survives every chunk size', () => {
    const input = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}\r\n`).join('')
    const expected = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`)
    for (const size of CHUNK_SIZES) expect(replay(bytes(input), size)).toEqual(expected)
  })
})

describe('maximum line length (counts the CRLF)', () => {
  test.each(CHUNK_SIZES)('a line of exactly the limit passes, one byte more fails (chunks of %i)', size => {
    const max = 16
    const fits = `${'a'.repeat(14)}\r\n` // 16 bytes
    const tooLong = `${'b'.repeat(15)}\r\n` // 17 bytes
    expect(replay(bytes(fits + tooLong + 'next\r\n'), size, { max })).toEqual([
      'a'.repeat(14),
      { error: 'LineTooLongError' },
      'next',
    ])
  })

  test.each(CHUNK_SIZES)('an endless line fails once, then the rest of it is skipped (chunks of %i)', size => {
    const input = `${'z'.repeat(100)}\r\nafter\r\n`
    expect(replay(bytes(input), size, { max: 10 })).toEqual([{ error: 'LineTooLongError' }, 'after'])
  })

  test('crlf mode: a bare LF inside the skipped line does not end it', () => {
    const input = `${'z'.repeat(30)}\n${'z'.repeat(30)}\r\nafter\r\n`
    expect(replay(bytes(input), 5, { max: 10, lineEnding: 'crlf' })).toEqual([{ error: 'LineTooLongError' }, 'after'])
  })

  test('the error is a typed syntax MailError carrying the limit', () => {
    const reader = new LineReader({ maxLineLength: 512 })
    reader.push(new Uint8Array(600).fill(0x41))
    let caught: unknown
    try {
      reader.lineBytes()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(LineTooLongError)
    expect((caught as LineTooLongError).kind).toBe('syntax')
    expect((caught as LineTooLongError).limit).toBe(512)
    expect((caught as LineTooLongError).codes.smtp).toEqual([500, '5.5.2'])
    expect(new BareLineFeedError().kind).toBe('syntax')
  })
})

describe('take(n): literals and BDAT chunks', () => {
  test.each(CHUNK_SIZES)('a literal split across chunks, then the command continues (chunks of %i)', size => {
    const literal = bytes('Subject: x\r\n\r\n\xe9\x00\r\nbody\n')
    const command = `A1 APPEND INBOX {${literal.length}}`
    const input = new Uint8Array([...bytes(`${command}\r\n`), ...literal, ...bytes(' extra\r\n')])
    const reader = new LineReader()
    const got: Array<string | Uint8Array> = []
    let want: number | null = null
    for (let i = 0; i < input.length; i += size) {
      reader.push(input.subarray(i, i + size))
      for (;;) {
        if (want !== null) {
          const data = reader.take(want)
          if (data === null) break
          got.push(data)
          want = null
          continue
        }
        const line = reader.line()
        if (line === null) break
        got.push(line)
        const m = /\{(\d+)\}$/.exec(line)
        if (m) want = Number(m[1])
      }
    }
    expect(got).toHaveLength(3)
    expect(got[0]).toBe(command)
    expect(latin1(got[1] as Uint8Array)).toBe(latin1(literal))
    expect(got[2]).toBe(' extra')
  })

  test('take(0) returns an empty array; take of more than buffered returns null and keeps the bytes', () => {
    const reader = new LineReader()
    reader.push(bytes('abc'))
    expect(reader.take(0)).toEqual(new Uint8Array(0))
    expect(reader.take(4)).toBeNull()
    expect(reader.pending).toBe(3)
    expect(latin1(reader.take(3) as Uint8Array)).toBe('abc')
  })

  test.each([-1, 1.5, Number.NaN])('take(%p) is a programming error', n => {
    expect(() => new LineReader().take(n)).toThrow(RangeError)
  })

  test('takeAvailable streams a big literal out in pieces', () => {
    const reader = new LineReader()
    const big = new Uint8Array(3 * 1024 * 1024)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251
    let received = 0
    const hasher = new Bun.CryptoHasher('sha256')
    for (let i = 0; i < big.length; i += 65536) {
      reader.push(big.subarray(i, i + 65536))
      for (let piece = reader.takeAvailable(100_000); piece; piece = reader.takeAvailable(100_000)) {
        received += piece.length
        hasher.update(piece)
      }
    }
    expect(received).toBe(big.length)
    expect(hasher.digest('hex')).toBe(new Bun.CryptoHasher('sha256').update(big).digest('hex'))
  })

  test('a 16 MiB literal pushed in 64 KiB chunks arrives intact', () => {
    const reader = new LineReader()
    const size = 16 * 1024 * 1024
    const chunk = new Uint8Array(65536)
    for (let i = 0; i < chunk.length; i++) chunk[i] = i & 0xff
    for (let i = 0; i < size; i += chunk.length) reader.push(chunk)
    const out = reader.take(size) as Uint8Array
    expect(out.length).toBe(size)
    expect(out[size - 1]).toBe(0xff)
    expect(reader.pending).toBe(0)
  })
})

describe('clear()', () => {
  test('drops buffered input, e.g. commands pipelined behind STARTTLS', () => {
    const reader = new LineReader()
    reader.push(bytes('STARTTLS\r\nMAIL FROM:<injected@evil>\r\n'))
    expect(reader.line()).toBe('STARTTLS')
    reader.clear()
    expect(reader.pending).toBe(0)
    expect(reader.line()).toBeNull()
    reader.push(bytes('EHLO again\r\n'))
    expect(reader.line()).toBe('EHLO again')
  })
})
