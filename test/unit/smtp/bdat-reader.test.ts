// BDAT reader (RFC 3030): exact-size chunks across reads, LAST, the size limit and leftovers. The
// chunk data and the following commands are replayed in several read sizes with the same result.
import { describe, expect, test } from 'bun:test'
import { type BdatChunkResult, BdatReader } from '../../../src/smtp/protocol/bdat-reader.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('latin1'))

type Done = Extract<BdatChunkResult, { done: true }>

interface ChunkSummary {
  last: boolean
  chunkSize: number
  totalSize: number
  reply: string | null
  message: string | null
}

/**
 * Drive a reader as a session would: `chunks` are the announced chunks (size from the data), the wire
 * carries each chunk's bytes followed by `after` (a pipelined command), read in pieces of `readSize`.
 */
function transfer(chunks: { data: Uint8Array; last: boolean }[], readSize: number, max = 1000) {
  const reader = new BdatReader({ maxMessageSize: max })
  const summaries: ChunkSummary[] = []
  let leftover = ''
  for (const { data, last } of chunks) {
    const wire = Uint8Array.from([...data, ...enc('NOOP\r\n')])
    reader.beginChunk(data.length, last)
    let done: Done | null = null
    let unread = new Uint8Array(0)
    for (let i = 0; i < wire.length; i += readSize) {
      const piece = wire.subarray(i, i + readSize)
      if (done !== null) {
        unread = Uint8Array.from([...unread, ...piece])
        continue
      }
      const result = reader.push(piece)
      if (result.done) {
        done = result
        unread = Uint8Array.from(result.leftover)
      }
    }
    if (done === null) throw new Error('chunk never completed')
    leftover = text(unread) ?? ''
    expect(leftover).toBe('NOOP\r\n')
    summaries.push({
      last: done.last,
      chunkSize: done.chunkSize,
      totalSize: done.totalSize,
      reply: done.error === null ? null : `${done.error.reply.code} ${done.error.reply.enhanced}`,
      message: text(done.message),
    })
  }
  return summaries
}

const READ_SIZES = [1, 2, 3, 5, 8, 64, 512]

function transferAll(chunks: { data: Uint8Array; last: boolean }[], max = 1000) {
  const first = transfer(chunks, 1 << 16, max)
  for (const size of READ_SIZES) expect({ size, result: transfer(chunks, size, max) }).toEqual({ size, result: first })
  return first
}

describe('BdatReader', () => {
  test('one LAST chunk: bytes verbatim, no dot-unstuffing, bare LF kept', () => {
    const body = enc('Subject: x\r\n\r\n..dots\n.\r\n\u00e9\r\n')
    expect(transferAll([{ data: body, last: true }])).toEqual([
      { last: true, chunkSize: body.length, totalSize: body.length, reply: null, message: text(body) },
    ])
  })

  test('several chunks concatenate at LAST', () => {
    const parts = ['Subject: a\r\n', '\r\nbody part one ', 'and two\r\n']
    const result = transferAll(parts.map((p, i) => ({ data: enc(p), last: i === parts.length - 1 })))
    expect(result.map(r => [r.last, r.message])).toEqual([
      [false, null],
      [false, null],
      [true, parts.join('')],
    ])
    expect(result.map(r => r.totalSize)).toEqual([12, 28, 37])
  })

  test('BDAT 0 LAST ends the message without data', () => {
    const result = transferAll([
      { data: enc('hello\r\n'), last: false },
      { data: new Uint8Array(0), last: true },
    ])
    expect(result[1]).toEqual({ last: true, chunkSize: 0, totalSize: 7, reply: null, message: 'hello\r\n' })
  })

  test('8-bit bytes are preserved', () => {
    const body = Uint8Array.from([0, 1, 0x7f, 0x80, 0xff, 0x0d, 0x0a])
    expect(transferAll([{ data: body, last: true }])[0]?.message).toBe(text(body))
  })

  test('over the limit: the chunk is consumed, answered 552 5.3.4, and the failure sticks', () => {
    const result = transferAll(
      [
        { data: enc('a'.repeat(6)), last: false },
        { data: enc('b'.repeat(6)), last: false },
        { data: enc('c'), last: true },
      ],
      10,
    )
    expect(result.map(r => r.reply)).toEqual([null, '552 5.3.4', '552 5.3.4'])
    expect(result[2]?.message).toBeNull()
  })

  test('exactly at the limit is accepted', () => {
    expect(transferAll([{ data: enc('x'.repeat(10)), last: true }], 10)[0]?.reply).toBeNull()
  })

  test('after LAST the reader is ready for the next transaction', () => {
    const reader = new BdatReader({ maxMessageSize: 5 })
    reader.beginChunk(6, true)
    const first = reader.push(enc('123456'))
    expect(first.done && first.error?.reply.code).toBe(552)
    reader.beginChunk(3, true)
    const second = reader.push(enc('abc'))
    expect(second.done && text(second.message)).toBe('abc')
  })

  test('reset() drops a half-sent transaction (RSET)', () => {
    const reader = new BdatReader({ maxMessageSize: 100 })
    reader.beginChunk(2, false)
    reader.push(enc('ab'))
    reader.reset()
    reader.beginChunk(2, true)
    const done = reader.push(enc('cd'))
    expect(done.done && text(done.message)).toBe('cd')
    expect(done.done && done.totalSize).toBe(2)
  })

  test('misuse throws: push without a chunk, a second beginChunk, bad sizes', () => {
    const reader = new BdatReader({ maxMessageSize: 100 })
    expect(() => reader.push(enc('x'))).toThrow()
    reader.beginChunk(5, false)
    expect(reader.inChunk).toBe(true)
    expect(() => reader.beginChunk(1, false)).toThrow()
    expect(() => new BdatReader({ maxMessageSize: 1 }).beginChunk(-1, true)).toThrow(RangeError)
    expect(() => new BdatReader({ maxMessageSize: 1 }).beginChunk(1.5, true)).toThrow(RangeError)
  })
})
