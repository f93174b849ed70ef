// TOP msg n (RFC 1939 §7): the header, the blank line, and n body lines; replayed in chunk sizes so
// a blank line or CRLF split across reads is still found.
import { describe, expect, test } from 'bun:test'
import { TopCutter } from '../../../src/pop3/protocol/top-cut.ts'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'))

function cut(message: string, lines: number, chunkSize: number): string {
  const cutter = new TopCutter(lines)
  const all = bytes(message)
  let out = ''
  for (let i = 0; i < all.length && !cutter.done; i += chunkSize) {
    const chunk = all.subarray(i, i + chunkSize)
    out += Buffer.from(chunk.subarray(0, cutter.take(chunk))).toString('latin1')
  }
  return out
}

const MESSAGE = 'Subject: a\r\nFrom: b\r\n\r\nline 1\r\nline 2\r\nline 3\r\n'

describe('TopCutter', () => {
  test.each<[string, string, number, string]>([
    ['header only (n = 0)', MESSAGE, 0, 'Subject: a\r\nFrom: b\r\n\r\n'],
    ['one body line', MESSAGE, 1, 'Subject: a\r\nFrom: b\r\n\r\nline 1\r\n'],
    ['all body lines', MESSAGE, 3, MESSAGE],
    ['more lines than the body has', MESSAGE, 50, MESSAGE],
    ['no blank line: all header', 'Subject: a\r\nFrom: b\r\n', 0, 'Subject: a\r\nFrom: b\r\n'],
    ['no trailing CRLF', 'Subject: a\r\n\r\nlast', 5, 'Subject: a\r\n\r\nlast'],
    ['bare LF line ends', 'Subject: a\nFrom: b\n\nx\ny\n', 1, 'Subject: a\nFrom: b\n\nx\n'],
    ['empty body lines count', 'S: a\r\n\r\n\r\n\r\nz\r\n', 2, 'S: a\r\n\r\n\r\n\r\n'],
    ['body starting with a dot', 'S: a\r\n\r\n.x\r\ny\r\n', 1, 'S: a\r\n\r\n.x\r\n'],
    ['a CR inside a header line is content', 'S: a\r\r\n\r\nb\r\n', 0, 'S: a\r\r\n\r\n'],
    ['a lone CR line is not blank', 'S: a\r\n\r\r\n\r\nb\r\n', 0, 'S: a\r\n\r\r\n\r\n'],
    ['empty message', '', 3, ''],
    ['blank first line: no header', '\r\nbody\r\nmore\r\n', 1, '\r\nbody\r\n'],
  ])('%s', (_name, message, lines, expected) => {
    for (const size of [1, 2, 3, 5, 8, 64, 512]) expect(cut(message, lines, size)).toBe(expected)
  })

  test('done once the limit is reached; later chunks contribute nothing', () => {
    const cutter = new TopCutter(0)
    expect(cutter.take(bytes('A: b\r\n\r\nbody'))).toBe(8)
    expect(cutter.done).toBe(true)
    expect(cutter.take(bytes('more\r\n'))).toBe(0)
  })
})
