// APPEND mailbox 1*(SP [flag-list SP] [date-time SP] literal) (RFC 9051 §6.3.12; several messages
// per command: MULTIAPPEND RFC 3502 §6; literal8 `~{n}`: BINARY RFC 3516 §4.4).
import { type ImapDateTime } from '../date-time.ts'
import { readFlagList } from '../flags.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface AppendMessage {
  flags: string[]
  /** The internal date requested, or null for "now". */
  internalDate: ImapDateTime | null
  data: Uint8Array
  /** Sent as literal8: may hold NUL and binary content (RFC 3516 §4.4). */
  binary: boolean
}

export interface AppendCommand {
  name: 'APPEND'
  mailbox: string
  messages: AppendMessage[]
}

const OPEN_PAREN = 0x28
const DQUOTE = 0x22
const OPEN_BRACE = 0x7b
const TILDE = 0x7e

export function parseAppend(t: ImapTokenizer): AppendCommand {
  t.space('mailbox name')
  const mailbox = t.mailbox()
  const messages: AppendMessage[] = []
  t.space('message literal')
  do messages.push(readMessage(t))
  while (t.more())
  return { name: 'APPEND', mailbox, messages }
}

function readMessage(t: ImapTokenizer): AppendMessage {
  let flags: string[] = []
  let internalDate: ImapDateTime | null = null
  if (t.peek() === OPEN_PAREN) {
    flags = readFlagList(t)
    t.space('message literal')
  }
  if (t.peek() === DQUOTE) {
    internalDate = t.dateTime('APPEND date-time')
    t.space('message literal')
  }
  const next = t.peek()
  if (next !== OPEN_BRACE && next !== TILDE) t.fail(`Expected the message as a literal {size}, got ${t.describeNext()}`)
  const { data, binary } = t.literal('message', true)
  return { flags, internalDate, data, binary }
}
