// RETR output encoding (RFC 1939 §3 byte-stuffing, §11 CRLF line ends) and the wire size that
// STAT/LIST report for it: tables of edge cases, then every case replayed in chunk sizes 1..512 so
// state across chunk boundaries (a CR ending one chunk, "." starting the next) is covered.
import { describe, expect, test } from 'bun:test'
import { DotStuffEncoder } from '../../../src/pop3/protocol/dot-stuff-encoder.ts'
import { WireSizeCounter, wireSize } from '../../../src/pop3/protocol/wire-size.ts'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'))
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1')

function encodeInChunks(message: Uint8Array, size: number): string {
  const encoder = new DotStuffEncoder()
  let out = ''
  for (let i = 0; i < message.length; i += size) out += text(encoder.encode(message.subarray(i, i + size)))
  return out + text(encoder.finish())
}

/** What a client gets back: unstuff, drop the terminator (RFC 1939 §3). */
function decode(wire: string): string {
  expect(wire.endsWith('\r\n.\r\n') || wire === '.\r\n').toBe(true)
  const body = wire === '.\r\n' ? '' : wire.slice(0, -5)
  return body
    .split('\r\n')
    .map(line => (line.startsWith('.') ? line.slice(1) : line))
    .join('\r\n')
}

// [name, stored message, wire bytes, wire size]
const CASES: Array<[string, string, string, number]> = [
  ['empty message', '', '.\r\n', 0],
  ['one CRLF line', 'a\r\n', 'a\r\n.\r\n', 3],
  ['no trailing CRLF', 'a\r\nb', 'a\r\nb\r\n.\r\n', 4],
  ['line starting with a dot', 'a\r\n.b\r\n', 'a\r\n..b\r\n.\r\n', 7],
  ['first line starting with a dot', '.b\r\n', '..b\r\n.\r\n', 4],
  ['a line that is only a dot', 'a\r\n.\r\nb\r\n', 'a\r\n..\r\nb\r\n.\r\n', 9],
  ['two dots', '..\r\n', '...\r\n.\r\n', 4],
  ['dot at the very end without CRLF', 'a\r\n.', 'a\r\n..\r\n.\r\n', 4],
  ['dot inside a line is left alone', 'a.b\r\n x.\r\n', 'a.b\r\n x.\r\n.\r\n', 10],
  ['bare LF gets its CR', 'a\nb\n', 'a\r\nb\r\n.\r\n', 6],
  ['bare LF before a dot', 'a\n.b\n', 'a\r\n..b\r\n.\r\n', 7],
  ['empty lines with bare LF', '\n\n', '\r\n\r\n.\r\n', 4],
  ['bare CR is data', 'a\rb\r\n', 'a\rb\r\n.\r\n', 5],
  ['ends with a bare CR', 'a\r', 'a\r\n.\r\n', 2],
  ['8-bit bytes untouched', 'caf\xe9 \xff\x00\r\n\xe9.\r\n', 'caf\xe9 \xff\x00\r\n\xe9.\r\n.\r\n', 13],
  ['terminator-looking content', 'x\r\n.\r\n.\r\n', 'x\r\n..\r\n..\r\n.\r\n', 9],
]

describe('DotStuffEncoder', () => {
  test.each(CASES)('%s', (_name, stored, wire) => {
    expect(encodeInChunks(bytes(stored), Math.max(1, stored.length))).toBe(wire)
  })

  test.each(CASES)('%s: same output in every chunk size 1..512', (_name, stored, wire) => {
    for (let size = 1; size <= 512; size *= 2) expect(encodeInChunks(bytes(stored), size)).toBe(wire)
  })

  test.each(CASES)('%s: the client recovers the message with CRLF line ends', (_name, stored) => {
    // What the client holds after unstuffing: every line end CRLF, minus the CRLF before ".".
    const expected = stored.replace(/(?<!\r)\n/g, '\r\n').replace(/\r?\n?$/, '')
    expect(decode(encodeInChunks(bytes(stored), 3))).toBe(expected)
  })

  test('a chunk that needs no change is returned without a copy', () => {
    const encoder = new DotStuffEncoder()
    const chunk = bytes('Subject: hi\r\n\r\nbody\r\n')
    expect(encoder.encode(chunk)).toBe(chunk)
  })

  test('a big CRLF message with many dot lines round-trips', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `.line ${i}` : `line ${i} \xe9`))
    const stored = `${lines.join('\r\n')}\r\n`
    expect(decode(encodeInChunks(bytes(stored), 4096))).toBe(stored.slice(0, -2))
  })
})

describe('wire size', () => {
  test.each(CASES)('%s', (_name, stored, _wire, size) => {
    expect(wireSize(bytes(stored))).toBe(size)
  })

  test.each(CASES)('%s: counted one byte at a time', (_name, stored, _wire, size) => {
    const counter = new WireSizeCounter()
    const message = bytes(stored)
    for (let i = 0; i < message.length; i++) counter.push(message.subarray(i, i + 1))
    expect(counter.total).toBe(size)
  })

  test.each(CASES)('%s: the size of the CRLF form RETR sends', (_name, stored, _wire, size) => {
    expect(stored.replace(/(?<!\r)\n/g, '\r\n').length).toBe(size)
  })
})
