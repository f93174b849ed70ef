// Framing for line protocols, apart from meaning (nodemailer smtp-stream): CRLF lines, exact-size
// byte runs for IMAP literals (RFC 9051 §4.3) and SMTP BDAT chunks (RFC 3030 §2), and nothing else.
// The buffer compacts or doubles, so input is copied an amortised constant number of times
// (concatenating per chunk is O(n²) for big literals; shared notes bun-platform §1).
import { MailError } from '../core/errors.ts'
import { ByteBuffer } from './byte-buffer.ts'

const LF = 0x0a
const CR = 0x0d
const utf8 = new TextDecoder('utf-8')

/**
 * How lines end:
 * - 'crlf-or-lf': CRLF or a bare LF ends a line (the CR is stripped). Lenient, for commands.
 * - 'crlf': only CRLF ends a line; a bare LF stays in the line's bytes. Use it for SMTP DATA so a
 *   bare-LF "\n.\n" can never end a message (SMTP smuggling, CVE-2023-51766 class).
 * - 'reject-bare-lf': as 'crlf-or-lf', but a line ended by a bare LF is consumed and reported as
 *   BareLineFeedError (Postfix smtpd_forbid_bare_newline).
 * A bare CR inside a line is always kept as data.
 */
export type LineEnding = 'crlf-or-lf' | 'crlf' | 'reject-bare-lf'

export interface LineReaderOptions {
  /** Longest line accepted, in bytes including its CRLF (RFC 5321 §4.5.3.1.4: 512 for commands). */
  maxLineLength?: number
  lineEnding?: LineEnding
}

/** A line exceeded maxLineLength. The line is discarded up to its end; reading can continue. */
export class LineTooLongError extends MailError {
  constructor(readonly limit: number) {
    // RFC 5321 §4.5.3.1.4: "500 Line too long"; RFC 3463 5.5.2 syntax error.
    super('syntax', `line longer than ${limit} bytes`, { smtp: [500, '5.5.2'], code: 'line_too_long' })
    this.name = 'LineTooLongError'
  }
}

/** A line ended with a bare LF while lineEnding is 'reject-bare-lf'. The line has been consumed. */
export class BareLineFeedError extends MailError {
  constructor() {
    // RFC 5321 §2.3.8: lines end with CRLF; Postfix answers 521 5.5.2 and so may a session.
    super('syntax', 'bare LF received; lines must end with CRLF', { smtp: [500, '5.5.2'], code: 'bare_lf' })
    this.name = 'BareLineFeedError'
  }
}

export class LineReader {
  /** Mutable: sessions switch between command and data framing. */
  lineEnding: LineEnding
  maxLineLength: number

  private readonly bytes = new ByteBuffer()
  /** Bytes at the front already known to hold no line terminator (avoids rescanning on 1-byte chunks). */
  private scanned = 0
  /** After LineTooLongError: skip input until the end of that line. */
  private discarding = false
  private discardSawCr = false

  constructor(options: LineReaderOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? 64 * 1024
    this.lineEnding = options.lineEnding ?? 'crlf-or-lf'
  }

  /** Bytes received but not yet consumed. */
  get pending(): number {
    return this.bytes.length
  }

  push(chunk: Uint8Array): void {
    this.bytes.push(chunk)
  }

  /** Drop everything buffered, e.g. bytes pipelined behind STARTTLS (RFC 3207 §4.2). */
  clear(): void {
    this.bytes.clear()
    this.scanned = 0
    this.discarding = false
    this.discardSawCr = false
  }

  /**
   * The next complete line without its terminator, or null until one has arrived.
   * Throws LineTooLongError or BareLineFeedError; the reader stays usable afterwards.
   */
  lineBytes(): Uint8Array | null {
    if (this.discarding && !this.skipDiscarded()) return null
    const terminator = this.findTerminator()
    if (terminator === null) {
      // A line of maxLineLength bytes without its LF can only grow past the limit.
      if (this.pending >= this.maxLineLength) {
        this.startDiscarding()
        throw new LineTooLongError(this.maxLineLength)
      }
      return null
    }
    const { lf, bare } = terminator
    const length = lf + 1
    const rejected = length > this.maxLineLength || (bare && this.lineEnding === 'reject-bare-lf')
    // Copy before consume(): consuming the last bytes may swap the buffer.
    const line = rejected ? null : this.bytes.peek(bare ? lf : lf - 1).slice()
    this.consume(length)
    if (line !== null) return line
    if (length > this.maxLineLength) throw new LineTooLongError(this.maxLineLength)
    throw new BareLineFeedError()
  }

  /** As lineBytes(), decoded as UTF-8 (RFC 6531 / RFC 9051 allow UTF-8; bad bytes become U+FFFD). */
  line(): string | null {
    const bytes = this.lineBytes()
    return bytes === null ? null : utf8.decode(bytes)
  }

  /**
   * Exactly n raw bytes (an IMAP literal, a BDAT chunk), or null until all have arrived.
   * Callers bound n first (maxLiteralSize / maxMessageSize): the bytes are buffered in memory.
   */
  take(n: number): Uint8Array | null {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`take(): invalid length ${n}`)
    if (this.pending < n) return null
    const out = this.bytes.peek(n).slice()
    this.consume(n)
    return out
  }

  /** Up to max bytes of whatever has arrived, or null if nothing is buffered: stream big literals out. */
  takeAvailable(max: number): Uint8Array | null {
    if (!Number.isSafeInteger(max) || max <= 0) throw new RangeError(`takeAvailable(): invalid length ${max}`)
    if (this.pending === 0) return null
    return this.take(Math.min(max, this.pending))
  }

  private consume(n: number): void {
    this.bytes.skip(n)
    this.scanned = this.pending === 0 ? 0 : Math.max(0, this.scanned - n)
  }

  /** Offset (from the front) of the LF ending the next line, and whether it lacks its CR. */
  private findTerminator(): { lf: number; bare: boolean } | null {
    const live = this.bytes.peek(this.pending)
    let from = this.scanned
    while (from < live.length) {
      const lf = live.indexOf(LF, from)
      if (lf < 0) break
      const bare = lf === 0 || live[lf - 1] !== CR
      if (!bare || this.lineEnding !== 'crlf') return { lf, bare }
      from = lf + 1 // 'crlf': a bare LF is line content
    }
    this.scanned = this.pending
    return null
  }

  private startDiscarding(): void {
    const live = this.bytes.peek(this.pending)
    this.discarding = true
    this.discardSawCr = live.length > 0 && live[live.length - 1] === CR
    this.consume(this.pending)
  }

  /** Skip the rest of an over-long line; true once its terminator has been consumed. */
  private skipDiscarded(): boolean {
    const live = this.bytes.peek(this.pending)
    for (let i = 0; i < live.length; i++) {
      const crBefore = i === 0 ? this.discardSawCr : live[i - 1] === CR
      if (live[i] === LF && (crBefore || this.lineEnding !== 'crlf')) {
        this.consume(i + 1)
        this.discarding = false
        this.discardSawCr = false
        return true
      }
    }
    this.discardSawCr = live.length > 0 && live[live.length - 1] === CR
    this.consume(this.pending)
    return false
  }
}
