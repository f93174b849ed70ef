// The receiver frames commands the same way however the input is cut, asks for continuation
// exactly after each synchronising literal's line, and enforces line and literal limits.
import { describe, expect, test } from 'bun:test'
import { isIdleDone, parseSaslResponse } from '../../../src/imap/protocol/client-lines.ts'
import { ImapParseError } from '../../../src/imap/protocol/imap-parse-error.ts'
import { parseCommand } from '../../../src/imap/protocol/parse-command.ts'
import { ImapReceiver, type ReceiverEvent } from '../../../src/imap/protocol/receiver.ts'
import { bytes, receiveAll } from './helpers/receive.ts'

const latin1 = new TextDecoder('latin1')
const CHUNK_SIZES = [1, 2, 3, 7, 64, 512]

// [segment, the server must ask for continuation once this segment has arrived]
const script: Array<[Uint8Array, boolean]> = [
  [bytes('A1 LOGIN {4}\r\n'), true],
  [bytes('user {6+}\r\npässw\r\n'), false],
  [bytes('A2 SELECT INBOX\r\n'), false],
  [bytes('A3 APPEND INBOX (\\Seen) {8}\r\n'), true],
  [bytes([0xde, 0xad, 0xbe, 0xef, 0x0d, 0x0a, 0x80, 0xff], ' ~{3+}\r\n', [0x00, 0x7b, 0x0a], '\r\n'), false],
  [bytes('A4 FETCH 1 BODY[HEADER.FIELDS ({4}\r\n'), true],
  [bytes('From)]\r\n'), false],
  // The literal holds "{3}\r\n": data, not a marker.
  [bytes('A5 APPEND INBOX {14}\r\n'), true],
  [bytes('ab {3}\r\ncd\r\nef\r\n'), false],
  [bytes('A6 NOOP\n\r\n\r\n'), false],
  // "{5}" inside an unterminated quoted string is not a literal.
  [bytes('A7 LOGIN x "a {5}\r\n'), false],
  [bytes('A8 LOGIN {0}\r\n'), true],
  [bytes(' ""\r\n'), false],
]
const input = bytes(...script.map(([segment]) => segment))

/** Byte offsets at which the continuation requests are due. */
const continuationOffsets = (() => {
  const offsets: number[] = []
  let offset = 0
  for (const [segment, asks] of script) {
    offset += segment.length
    if (asks) offsets.push(offset)
  }
  return offsets
})()

function describeEvents(events: ReceiverEvent[]) {
  return events.map(event => {
    if (event.type !== 'command') return event.type === 'error' ? { error: event.error.message } : event
    return {
      tag: event.command.tag,
      lines: event.command.lines.map(line => latin1.decode(line)),
      literals: event.command.literals.map(l => ({ data: [...l.data], nonSync: l.nonSync, binary: l.binary })),
    }
  })
}

describe('ImapReceiver framing', () => {
  const whole = receiveAll(input)

  test('frames the script into commands, continuations and literals', () => {
    expect(whole.map(e => e.type)).toEqual([
      'continuation',
      'command',
      'command',
      'continuation',
      'command',
      'continuation',
      'command',
      'continuation',
      'command',
      'command',
      'command',
      'continuation',
      'command',
    ])
    const commands = whole.flatMap(e => (e.type === 'command' ? [e.command] : []))
    const parsed = commands.map(c => {
      try {
        return parseCommand(c)
      } catch (error) {
        return (error as Error).message
      }
    })
    expect(parsed[0]).toEqual({ tag: 'A1', name: 'LOGIN', username: 'user', password: 'pässw' })
    expect(parsed[2]).toMatchObject({
      tag: 'A3',
      name: 'APPEND',
      messages: [
        { flags: ['\\Seen'], data: Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x0d, 0x0a, 0x80, 0xff]), binary: false },
        { flags: [], data: Uint8Array.from([0x00, 0x7b, 0x0a]), binary: true },
      ],
    })
    expect(parsed[3]).toMatchObject({ tag: 'A4', name: 'FETCH' })
    expect(parsed[4]).toMatchObject({ tag: 'A5', messages: [{ data: bytes('ab {3}\r\ncd\r\nef') }] })
    expect(parsed[5]).toEqual({ tag: 'A6', name: 'NOOP' })
    expect(parsed[6]).toBe('Unterminated quoted string in password')
    expect(parsed[7]).toEqual({ tag: 'A8', name: 'LOGIN', username: '', password: '' })
    expect(whole.flatMap(e => (e.type === 'continuation' ? [[e.tag, e.size]] : []))).toEqual([
      ['A1', 4],
      ['A3', 8],
      ['A4', 4],
      ['A5', 14],
      ['A8', 0],
    ])
  })

  test.each(CHUNK_SIZES)('chunks of %i bytes give the same events', size => {
    expect(describeEvents(receiveAll(input, size))).toEqual(describeEvents(whole))
  })

  test('asks for continuation exactly when a synchronising literal line is complete', () => {
    const receiver = new ImapReceiver()
    const offsets: number[] = []
    for (let i = 0; i < input.length; i++) {
      receiver.push(input.subarray(i, i + 1))
      for (let event = receiver.next(); event !== null; event = receiver.next()) {
        if (event.type === 'continuation') offsets.push(i + 1)
      }
    }
    expect(offsets).toEqual(continuationOffsets)
    expect(receiver.idle).toBe(true)
    expect(receiver.pending).toBe(0)
  })

  test.each([1000, 7001, 65536])('a 200 KB literal of every byte value arrives intact in chunks of %i', size => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256)
    const events = receiveAll(bytes('A1 APPEND INBOX {200000+}\r\n', data, '\r\n'), size)
    expect(events).toHaveLength(1)
    const event = events[0]
    if (event?.type !== 'command') throw new Error('expected a command')
    expect(event.command.literals[0]?.data.length).toBe(200_000)
    expect(Buffer.compare(event.command.literals[0]?.data as Uint8Array, data)).toBe(0)
  })

  test('waits inside a literal without producing anything', () => {
    const receiver = new ImapReceiver()
    receiver.push(bytes('A1 LOGIN {5+}\r\nab'))
    expect(receiver.next()).toBeNull()
    expect(receiver.idle).toBe(false)
    receiver.push(bytes('cde x\r'))
    expect(receiver.next()).toBeNull()
    receiver.push(bytes('\n'))
    const event = receiver.next()
    expect(event?.type).toBe('command')
    expect(receiver.next()).toBeNull()
  })
})

describe('ImapReceiver limits', () => {
  const errorOf = (event: ReceiverEvent | undefined) => {
    if (event?.type !== 'error') throw new Error(`expected an error event, got ${event?.type}`)
    return event
  }

  test.each(CHUNK_SIZES)(
    'a synchronising literal over the limit is refused with NO [TOOBIG], no continuation (chunks of %i)',
    size => {
      const events = receiveAll(bytes('A1 APPEND INBOX {200}\r\nA2 NOOP\r\n'), size, { maxLiteralSize: 100 })
      expect(events).toHaveLength(2)
      const { error, closeConnection } = errorOf(events[0])
      expect(error).toBeInstanceOf(ImapParseError)
      expect([error.tag, error.status, error.responseCode, closeConnection]).toEqual(['A1', 'NO', 'TOOBIG', false])
      expect(error.message).toBe('Literal of 200 bytes exceeds the limit of 100')
      expect(events[1]).toMatchObject({ type: 'command', command: { tag: 'A2' } })
    },
  )

  test.each(CHUNK_SIZES)(
    'a non-synchronising literal over the limit is refused with BAD and skipped (chunks of %i)',
    size => {
      const body = `${'x'.repeat(180)}\r\nA9 NOOP\r\n`.padEnd(200, 'y')
      const events = receiveAll(bytes(`A1 APPEND INBOX {200+}\r\n${body} {5+}\r\nhello\r\nA2 NOOP\r\n`), size, {
        maxLiteralSize: 100,
      })
      expect(events).toHaveLength(2)
      const { error, closeConnection } = errorOf(events[0])
      expect([error.tag, error.status, error.responseCode, closeConnection]).toEqual(['A1', 'BAD', 'TOOBIG', false])
      expect(events[1]).toMatchObject({ type: 'command', command: { tag: 'A2' } })
    },
  )

  test('LITERAL- limits non-synchronising literals to 4096 bytes, not synchronising ones', () => {
    const limits = { nonSyncLiterals: 'minus' as const }
    const big = 'z'.repeat(5000)
    const refused = receiveAll(bytes(`A1 LOGIN {5000+}\r\n${big} x\r\nA2 NOOP\r\n`), 64, limits)
    expect(refused).toHaveLength(2)
    expect(errorOf(refused[0]).error.message).toBe(
      'Non-synchronizing literal larger than 4096 bytes (LITERAL-); use {5000}',
    )
    expect(refused[1]).toMatchObject({ type: 'command', command: { tag: 'A2' } })
    const atLimit = receiveAll(bytes(`A1 LOGIN {4096+}\r\n${'z'.repeat(4096)} x\r\n`), 64, limits)
    expect(atLimit.map(e => e.type)).toEqual(['command'])
    const sync = receiveAll(bytes(`A1 LOGIN {5000}\r\n${big} x\r\n`), 64, limits)
    expect(sync.map(e => e.type)).toEqual(['continuation', 'command'])
  })

  test('LITERAL+ accepts non-synchronising literals up to maxLiteralSize', () => {
    const events = receiveAll(bytes(`A1 LOGIN {5000+}\r\n${'z'.repeat(5000)} x\r\n`), 512)
    expect(events.map(e => e.type)).toEqual(['command'])
  })

  test('an absurd non-synchronising size cannot be skipped: close the connection', () => {
    const events = receiveAll(bytes('A1 APPEND INBOX {99999999999999999999+}\r\n'))
    expect(errorOf(events[0]).closeConnection).toBe(true)
  })

  test.each([1, 7, 512])(
    'a line over maxLineLength is refused with the tag, then reading goes on (chunks of %i)',
    size => {
      const events = receiveAll(bytes(`A1 LOGIN ${'x'.repeat(100)} y\r\nA2 NOOP\r\n`), size, { maxLineLength: 64 })
      expect(events).toHaveLength(2)
      const { error, closeConnection } = errorOf(events[0])
      expect([error.tag, error.message, error.responseCode, closeConnection]).toEqual([
        'A1',
        'Line longer than 64 bytes',
        'TOOBIG',
        true,
      ])
      expect(events[1]).toMatchObject({ type: 'command', command: { tag: 'A2' } })
    },
  )

  test('a line of exactly maxLineLength bytes (CRLF included) is accepted', () => {
    const line = `A1 LOGIN ${'x'.repeat(51)} y\r\n`
    expect(line.length).toBe(64)
    expect(receiveAll(bytes(line), 1, { maxLineLength: 64 }).map(e => e.type)).toEqual(['command'])
    expect(receiveAll(bytes(`A1 LOGIN ${'x'.repeat(52)} y\r\n`), 1, { maxLineLength: 64 }).map(e => e.type)).toEqual([
      'error',
    ])
  })

  test('the whole command is bounded by maxCommandSize (MULTIAPPEND)', () => {
    const events = receiveAll(bytes('A1 APPEND INBOX {10+}\r\n0123456789 {10+}\r\n0123456789\r\nA2 NOOP\r\n'), 5, {
      maxCommandSize: 40,
    })
    expect(events).toHaveLength(2)
    expect(errorOf(events[0]).error.message).toBe('Command larger than 40 bytes')
    expect(events[1]).toMatchObject({ type: 'command', command: { tag: 'A2' } })
  })
})

describe('ImapReceiver for non-command input', () => {
  test('takeLeftover returns what was pipelined behind STARTTLS', () => {
    const receiver = new ImapReceiver()
    receiver.push(bytes('A1 STARTTLS\r\nA2 NOOP\r\n'))
    expect(receiver.next()).toMatchObject({ type: 'command', command: { tag: 'A1' } })
    expect(latin1.decode(receiver.takeLeftover())).toBe('A2 NOOP\r\n')
    expect(receiver.next()).toBeNull()
    expect(receiver.pending).toBe(0)
  })

  test('nextLine reads SASL responses between AUTHENTICATE and the next command', () => {
    const receiver = new ImapReceiver()
    receiver.push(bytes('A1 AUTHENTICATE PLAIN\r\nAHVzZXIAcGFzcw==\r\n*\r\nA2 NOOP\r\n'))
    expect(receiver.next()).toMatchObject({ type: 'command', command: { tag: 'A1' } })
    const response = receiver.nextLine()
    if (response?.type !== 'line') throw new Error('expected a line')
    expect(parseSaslResponse(response.line, 'A1')).toEqual({ cancelled: false, data: bytes([0], 'user', [0], 'pass') })
    const cancel = receiver.nextLine()
    if (cancel?.type !== 'line') throw new Error('expected a line')
    expect(parseSaslResponse(cancel.line, 'A1')).toEqual({ cancelled: true })
    expect(receiver.next()).toMatchObject({ type: 'command', command: { tag: 'A2' } })
  })

  test('parseSaslResponse rejects bad base64 with the AUTHENTICATE tag', () => {
    expect(() => parseSaslResponse(bytes('not base64!'), 'A9')).toThrow(ImapParseError)
    try {
      parseSaslResponse(bytes('abc'), 'A9')
    } catch (error) {
      expect((error as ImapParseError).tag).toBe('A9')
    }
    expect(parseSaslResponse(bytes(''), 'A9')).toEqual({ cancelled: false, data: new Uint8Array(0) })
  })

  test('IDLE ends with DONE in any case, on a line of its own', () => {
    const receiver = new ImapReceiver()
    receiver.push(bytes('A1 IDLE\r\ndo'))
    expect(receiver.next()).toMatchObject({ type: 'command', command: { tag: 'A1' } })
    expect(receiver.nextLine()).toBeNull()
    receiver.push(bytes('nE\r\n'))
    const line = receiver.nextLine()
    if (line?.type !== 'line') throw new Error('expected a line')
    expect(isIdleDone(line.line)).toBe(true)
    for (const other of ['DONE ', 'DON', 'A2 NOOP', '']) expect(isIdleDone(bytes(other))).toBe(false)
  })

  test('nextLine enforces maxLineLength too', () => {
    const receiver = new ImapReceiver({ maxLineLength: 16 })
    receiver.push(bytes(`${'A'.repeat(40)}\r\n`))
    expect(receiver.nextLine()).toMatchObject({ type: 'error', closeConnection: true })
  })
})
