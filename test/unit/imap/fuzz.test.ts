// Seeded random input: the receiver and parser never throw anything but ImapParseError, and
// serializer → parser and modified UTF-7 encode → decode round-trip (DESIGN.md test tier 3).
import { describe, expect, test } from 'bun:test'
import { ImapParseError } from '../../../src/imap/protocol/imap-parse-error.ts'
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../../../src/imap/protocol/mailbox-name.ts'
import { parseCommand } from '../../../src/imap/protocol/parse-command.ts'
import { ImapReceiver } from '../../../src/imap/protocol/receiver.ts'
import { serializeValues, str } from '../../../src/imap/protocol/serializer.ts'
import { bytes, parseInput } from './helpers/receive.ts'

/** mulberry32: small, seeded, good enough to spread inputs. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SPECIALS = bytes('(){}[]<>"\\*%$:,.+~ -&=0123456789\r\n')
const COMMANDS = [
  'CAPABILITY',
  'NOOP',
  'LOGIN',
  'AUTHENTICATE',
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'RENAME',
  'LIST',
  'LSUB',
  'STATUS',
  'APPEND',
  'SEARCH',
  'UID SEARCH',
  'FETCH',
  'UID FETCH',
  'STORE',
  'UID STORE',
  'COPY',
  'MOVE',
  'UID EXPUNGE',
  'ENABLE',
  'ID',
  'SORT',
  'THREAD',
  'GETQUOTA',
  'GETQUOTAROOT',
  'COMPRESS',
  'IDLE',
  'EXPUNGE',
]
const TOKENS = [
  'INBOX',
  '""',
  '"a b"',
  '(',
  ')',
  '()',
  '1',
  '0',
  '*',
  '1:*',
  '3:1',
  '$',
  'NIL',
  'FLAGS',
  '+FLAGS.SILENT',
  '(\\Seen)',
  '\\Deleted',
  'BODY[]',
  'BODY.PEEK[1.2.HEADER.FIELDS (From)]<0.10>',
  'BINARY[1]',
  'ALL',
  'FAST',
  'OR',
  'NOT',
  'SEEN',
  'SINCE',
  '1-Feb-2024',
  '"17-Jul-1996 02:44:25 -0700"',
  'RETURN',
  '(MIN MAX)',
  'CHARSET',
  'UTF-8',
  'MODSEQ',
  '"/flags/\\\\seen"',
  'all',
  '5',
  '(CHANGEDSINCE 1 VANISHED)',
  '(UNCHANGEDSINCE 3)',
  '&ZeVnLIqe-',
  '&Jjo',
  '{3}',
  '{2+}',
  '~{1}',
  'HEADER',
  'Subject',
  'x',
  '(QRESYNC (1 2 1:5))',
  '(CONDSTORE)',
  'USE',
  '(SUBSCRIBED)',
  'STATUS',
  '(MESSAGES UIDNEXT)',
  'REVERSE',
  'DATE',
  'ORDEREDSUBJECT',
  'PLAIN',
  'AHVzZXIAcGFzcw==',
  '=',
  'DEFLATE',
]
const VALID = [
  'A1 FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100>)',
  'A1 SEARCH OR (SEEN FLAGGED) NOT (1:5 DELETED) SINCE 1-Feb-2024',
  'A1 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" %) RETURN (CHILDREN STATUS (MESSAGES))',
  'A1 SELECT INBOX (QRESYNC (67890007 2005 41,43:211 (5000,7500 15000,22500)))',
  'A1 UID STORE 1:* (UNCHANGEDSINCE 5) -FLAGS.SILENT (\\Seen $Junk)',
  'A1 APPEND INBOX (\\Seen) "17-Jul-1996 02:44:25 -0700" {3+}',
  'A1 LOGIN "fred \\"x\\"" {2+}',
  'A1 STATUS &ZeVnLIqe- (MESSAGES UIDNEXT HIGHESTMODSEQ)',
  'A1 UID SORT RETURN (COUNT) (REVERSE DATE) UTF-8 MODSEQ "/flags/\\\\draft" all 6',
  'A1 ID ("name" "x" "version" NIL)',
]

function randomLine(random: () => number): Uint8Array {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T
  const kind = Math.floor(random() * 3)
  if (kind === 0) {
    const out = new Uint8Array(Math.floor(random() * 80))
    for (let i = 0; i < out.length; i++) {
      out[i] = random() < 0.5 ? (pick([...SPECIALS]) as number) : Math.floor(random() * 256)
    }
    return out
  }
  if (kind === 1) {
    const parts = [pick(['A1', 'x', '+', '*', 'a.b']), pick(COMMANDS)]
    const count = Math.floor(random() * 8)
    for (let i = 0; i < count; i++) parts.push(pick(TOKENS))
    return bytes(parts.join(random() < 0.9 ? ' ' : ''))
  }
  const line = [...bytes(pick(VALID))]
  const edits = 1 + Math.floor(random() * 3)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (line.length + 1))
    const op = Math.floor(random() * 3)
    const byte = random() < 0.7 ? (pick([...SPECIALS]) as number) : Math.floor(random() * 256)
    if (op === 0) line.splice(at, 1)
    else if (op === 1) line.splice(at, 0, byte)
    else line[at] = byte
  }
  return Uint8Array.from(line)
}

describe('fuzz', () => {
  test('2,000 random lines: only ImapParseError, never another exception', () => {
    const random = prng(0x1a2b3c)
    const outcomes = { commands: 0, parseErrors: 0, receiverErrors: 0 }
    for (let i = 0; i < 2000; i++) {
      const receiver = new ImapReceiver({ maxLiteralSize: 64, maxLineLength: 200, maxCommandSize: 1000 })
      // The line, then bytes that may serve as literal data and further lines.
      receiver.push(bytes(randomLine(random), '\r\n', randomLine(random), '\r\n', randomLine(random), '\r\n'))
      for (let n = 0, event = receiver.next(); event !== null && n < 100; n++, event = receiver.next()) {
        if (event.type === 'error') {
          expect(event.error).toBeInstanceOf(ImapParseError)
          outcomes.receiverErrors++
        } else if (event.type === 'command') {
          try {
            const command = parseCommand(event.command, { utf8Accept: random() < 0.5 })
            expect(command.tag).toBe(event.command.tag as string)
            outcomes.commands++
          } catch (error) {
            if (!(error instanceof ImapParseError)) throw error
            expect(error.status).toBe('BAD')
            expect(error.message.length).toBeGreaterThan(0)
            outcomes.parseErrors++
          }
        }
      }
    }
    // The generator reaches both outcomes, so the loop really exercised the parser.
    expect(outcomes.commands).toBeGreaterThan(20)
    expect(outcomes.parseErrors).toBeGreaterThan(1000)
  })

  test('serialized strings parse back to the same text (500 random strings)', () => {
    const random = prng(42)
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      '\r',
      '\n',
      '{',
      '}',
      '(',
      ')',
      'é',
      '日',
      '😀',
      '%',
      '*',
      ']',
      '~',
    ]
    for (let i = 0; i < 500; i++) {
      let text = ''
      const length = Math.floor(random() * 30)
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)]
      const wire = bytes('A1 LOGIN ', serializeValues([str(text)], { utf8: random() < 0.5 }), ' x\r\n')
      const result = parseInput(wire)
      expect(result).toMatchObject({ name: 'LOGIN', username: text })
    }
  })

  test('modified UTF-7 round-trips 500 random names', () => {
    const random = prng(7)
    for (let i = 0; i < 500; i++) {
      const codePoints: number[] = []
      const length = Math.floor(random() * 12)
      for (let j = 0; j < length; j++) {
        const range = Math.floor(random() * 4)
        const cp =
          range === 0
            ? 0x20 + Math.floor(random() * 0x5f)
            : range === 1
              ? 0x80 + Math.floor(random() * 0x780)
              : range === 2
                ? 0xe000 + Math.floor(random() * 0x1000)
                : 0x10000 + Math.floor(random() * 0xfffff)
        codePoints.push(cp)
      }
      const name = String.fromCodePoint(...codePoints)
      const encoded = encodeModifiedUtf7(name)
      expect(encoded).toMatch(/^[\x20-\x7e]*$/)
      expect(decodeModifiedUtf7(encoded)).toEqual({ ok: true, value: name })
    }
  })
})
