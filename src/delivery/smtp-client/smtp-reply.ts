// Server replies as the client reads them (RFC 5321 §4.2): "250-first", …, "250 last"; the code is
// three digits and every line of one reply repeats it. RFC 2034 §4/RFC 3463: with ENHANCEDSTATUSCODES
// the text starts with class.subject.detail, whose class must match the code's first digit.
import { ClientSocketError } from './client-socket-error.ts'

export interface SmtpReply {
  code: number
  /** RFC 3463 enhanced status from the first line, or null when the server sent none. */
  enhanced: string | null
  /** Text of each line without code and separator (and without the enhanced status on the first). */
  lines: string[]
}

/** At most this many lines in one reply (a reply is an answer, not a stream). */
const MAX_REPLY_LINES = 200

const LINE = /^([1-5]\d\d)(?:([ -])(.*))?$/
const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)/

/** The reply as one line of text, e.g. for diagnostics: "550 5.1.1 no such user". */
export function formatReply(reply: SmtpReply): string {
  const text = reply.lines.join(' ').trim()
  return [String(reply.code), reply.enhanced, text].filter(Boolean).join(' ')
}

/** The enhanced status for a reply, or `<class>.0.0` when the server gave none (RFC 3463 §3.1). */
export function enhancedStatusOf(reply: SmtpReply): string {
  return reply.enhanced ?? `${Math.floor(reply.code / 100)}.0.0`
}

/** Feeds lines in; returns the complete reply after its last line. Throws ClientSocketError('protocol'). */
export class ReplyAssembler {
  private code: number | null = null
  private lines: string[] = []

  push(line: string): SmtpReply | null {
    const match = LINE.exec(line)
    if (match === null)
      throw new ClientSocketError('protocol', `malformed reply line: ${JSON.stringify(line.slice(0, 80))}`)
    const code = Number(match[1])
    if (this.code !== null && code !== this.code)
      throw new ClientSocketError(
        'protocol',
        `reply code changed within a multi-line reply (${this.code} then ${code})`,
      )
    this.code = code
    this.lines.push(match[3] ?? '')
    if (this.lines.length > MAX_REPLY_LINES) throw new ClientSocketError('protocol', 'reply has too many lines')
    if (match[2] === '-') return null
    const lines = this.lines
    this.code = null
    this.lines = []
    return withEnhanced(code, lines)
  }
}

function withEnhanced(code: number, lines: string[]): SmtpReply {
  const first = lines[0] ?? ''
  const m = ENHANCED.exec(first)
  if (m === null || Number(m[1]) !== Math.floor(code / 100)) return { code, enhanced: null, lines }
  return {
    code,
    enhanced: `${m[1]}.${Number(m[2])}.${Number(m[3])}`,
    lines: [first.slice(m[0].length), ...lines.slice(1)],
  }
}

/** Parse a complete reply given as lines (tests, and replies collected elsewhere). */
export function parseReply(lines: readonly string[]): SmtpReply {
  const assembler = new ReplyAssembler()
  for (const [i, line] of lines.entries()) {
    const reply = assembler.push(line)
    if (reply !== null) {
      if (i !== lines.length - 1) throw new ClientSocketError('protocol', 'lines after the last line of a reply')
      return reply
    }
  }
  throw new ClientSocketError('protocol', 'incomplete reply')
}
