// Feeds raw input through the real receiver (and parser), for table tests.
import { ImapParseError } from '../../../../src/imap/protocol/imap-parse-error.ts'
import type { ImapCommand } from '../../../../src/imap/protocol/command-types.ts'
import { type ParseCommandOptions, parseCommand } from '../../../../src/imap/protocol/parse-command.ts'
import { ImapReceiver, type ReceiverEvent, type ReceiverLimits } from '../../../../src/imap/protocol/receiver.ts'

const encoder = new TextEncoder()

/** Text (UTF-8) and raw byte values, concatenated. */
export function bytes(...parts: Array<string | number[] | Uint8Array>): Uint8Array {
  const chunks = parts.map(p => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

/** Every event the receiver produces for `input` pushed in chunks of `chunkSize`. */
export function receiveAll(
  input: Uint8Array,
  chunkSize = input.length || 1,
  limits: Partial<ReceiverLimits> = {},
): ReceiverEvent[] {
  const receiver = new ImapReceiver(limits)
  const events: ReceiverEvent[] = []
  for (let offset = 0; offset < input.length; offset += chunkSize) {
    receiver.push(input.subarray(offset, offset + chunkSize))
    for (let event = receiver.next(); event !== null; event = receiver.next()) events.push(event)
  }
  return events
}

/** The first command of `input` parsed, or the first error (from the receiver or the parser). */
export function parseInput(
  input: string | Uint8Array,
  options: ParseCommandOptions & { limits?: Partial<ReceiverLimits> } = {},
): ImapCommand | ImapParseError {
  const data = typeof input === 'string' ? encoder.encode(input) : input
  for (const event of receiveAll(data, data.length, options.limits)) {
    if (event.type === 'error') return event.error
    if (event.type === 'command') {
      try {
        return parseCommand(event.command, options)
      } catch (error) {
        if (error instanceof ImapParseError) return error
        throw error
      }
    }
  }
  throw new Error(`no complete command in ${JSON.stringify(new TextDecoder().decode(data))}`)
}
