// WriteQueue against a sink that, like Bun's socket.write(), takes only part of what it is offered.
import { describe, expect, test } from 'bun:test'
import { type ByteSink, WriteQueue } from '../../../src/net/write-queue.ts'

/** A socket stand-in: accepts up to `room` bytes per write until drained, records what it got. */
class PartialSink implements ByteSink {
  received: number[] = []
  writes = 0
  ended = false
  closed = false
  constructor(public room: number) {}
  write(data: Uint8Array): number {
    this.writes++
    if (this.closed) return -1
    const n = Math.min(this.room, data.length)
    for (let i = 0; i < n; i++) this.received.push(data[i] as number)
    this.room -= n
    return n
  }
  end(): void {
    this.ended = true
  }
  text(): string {
    return Buffer.from(this.received).toString('utf8')
  }
}

describe('WriteQueue', () => {
  test('everything the socket did not take is kept, in order, and written on drain', () => {
    const sink = new PartialSink(5)
    const q = new WriteQueue(sink)
    q.write('hello world\r\n')
    q.write(new TextEncoder().encode('second\r\n'))
    expect(sink.text()).toBe('hello')
    expect(q.queuedBytes).toBe(8 + 8)
    sink.room = 3
    q.flush()
    expect(sink.text()).toBe('hello wo')
    sink.room = 1000
    q.flush()
    expect(sink.text()).toBe('hello world\r\nsecond\r\n')
    expect(q.queuedBytes).toBe(0)
  })

  test('partial writes are counted in bytes, so multi-byte characters are not split wrongly', () => {
    const sink = new PartialSink(3)
    const q = new WriteQueue(sink)
    q.write('ééé') // 6 bytes
    sink.room = 100
    q.flush()
    expect(sink.text()).toBe('ééé')
  })

  test('end() closes only after the queue is flushed', () => {
    const sink = new PartialSink(2)
    const q = new WriteQueue(sink)
    q.write('221 Bye\r\n')
    q.end()
    expect(sink.ended).toBe(false)
    expect(q.write('late')).toBe(false) // dropped once closing
    sink.room = 100
    q.flush()
    expect(sink.ended).toBe(true)
    expect(sink.text()).toBe('221 Bye\r\n')
  })

  test('whenEmpty runs now if empty, else after the flush that empties the queue', () => {
    const sink = new PartialSink(1)
    const q = new WriteQueue(sink)
    const calls: string[] = []
    q.whenEmpty(() => calls.push('now'))
    q.write('220 Ready\r\n')
    q.whenEmpty(() => calls.push('later'))
    expect(calls).toEqual(['now'])
    sink.room = 100
    q.flush()
    expect(calls).toEqual(['now', 'later'])
  })

  test('a closed socket (-1) drops the queue and later writes', () => {
    const sink = new PartialSink(1)
    const q = new WriteQueue(sink)
    q.write('abc')
    sink.closed = true
    q.flush()
    expect(q.queuedBytes).toBe(0)
    expect(q.isClosing).toBe(true)
    expect(q.write('x')).toBe(false)
  })

  test('many small queued replies are merged, not written one syscall each', () => {
    const sink = new PartialSink(0)
    const q = new WriteQueue(sink)
    q.write('first\r\n')
    for (let i = 0; i < 1000; i++) q.write(`* ${i} FETCH (FLAGS (\\Seen))\r\n`)
    const writesBefore = sink.writes
    sink.room = 10_000_000
    q.flush()
    expect(sink.writes - writesBefore).toBeLessThan(5)
    expect(sink.text().split('\r\n')).toHaveLength(1002)
    expect(sink.text().endsWith('* 999 FETCH (FLAGS (\\Seen))\r\n')).toBe(true)
  })

  test('setSink refuses to switch while bytes are queued', () => {
    const q = new WriteQueue(new PartialSink(0))
    q.write('x')
    expect(() => q.setSink(new PartialSink(10))).toThrow()
  })
})
