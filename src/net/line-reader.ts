// Framing for line protocols, apart from meaning (nodemailer smtp-stream): CRLF lines, exact-size
// byte runs for IMAP literals (RFC 9051 §4.3) and SMTP BDAT chunks (RFC 3030 §2), and nothing else.
// The buffer compacts or doubles, so input is copied an amortised constant number of times
// (concatenating per chunk is O(n²) for big literals; shared notes bun-platform §1).
import { MailError } from '../core/errors.ts'

const LF = 0x0a
const CR = 0x0d
const INITIAL_CAPACITY = 16 * 1024
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

  private buf = new Uint8Array(INITIAL_CAPACITY)
  private start = 0
  private end = 0
  /** Bytes after `start` already known to hold no line terminator (avoids rescanning on 1-byte chunks). */
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
    return this.end - this.start
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    if (this.end + chunk.length > this.buf.length) this.makeRoom(chunk.length)
    this.buf.set(chunk, this.end)
    this.end += chunk.length
  }

  /** Drop everything buffered, e.g. bytes pipelined behind STARTTLS (RFC 3207 §4.2). */
  clear(): void {
    this.start = 0
    this.end = 0
    this.scanned = 0
    this.discarding = false
    this.discardSawCr = false
    if (this.buf.length > INITIAL_CAPACITY * 4) this.buf = new Uint8Array(INITIAL_CAPACITY)
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
    const length = lf + 1 - this.start
    const rejected = length > this.maxLineLength || (bare && this.lineEnding === 'reject-bare-lf')
    // Slice before consume(): consuming the last bytes may swap the buffer.
    const line = rejected ? null : this.buf.slice(this.start, bare ? lf : lf - 1)
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
    const out = this.buf.slice(this.start, this.start + n)
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
    this.start += n
    this.scanned = Math.max(0, this.scanned - n)
    if (this.start === this.end) {
      this.start = 0
      this.end = 0
      this.scanned = 0
      // A big literal grew the buffer; don't keep megabytes per idle connection.
      if (this.buf.length > INITIAL_CAPACITY * 4) this.buf = new Uint8Array(INITIAL_CAPACITY)
    }
  }

  /** Position of the LF ending the next line, and whether it lacks its CR. */
  private findTerminator(): { lf: number; bare: boolean } | null {
    const live = this.buf.subarray(0, this.end) // don't scan stale bytes past `end`
    let from = this.start + this.scanned
    while (from < this.end) {
      const lf = live.indexOf(LF, from)
      if (lf < 0) break
      const bare = lf === this.start || this.buf[lf - 1] !== CR
      if (!bare || this.lineEnding !== 'crlf') return { lf, bare }
      from = lf + 1 // 'crlf': a bare LF is line content
    }
    this.scanned = this.pending
    return null
  }

  private startDiscarding(): void {
    this.discarding = true
    this.discardSawCr = this.end > this.start && this.buf[this.end - 1] === CR
    this.consume(this.pending)
  }

  /** Skip the rest of an over-long line; true once its terminator has been consumed. */
  private skipDiscarded(): boolean {
    for (let i = this.start; i < this.end; i++) {
      const byte = this.buf[i]
      const crBefore = i === this.start ? this.discardSawCr : this.buf[i - 1] === CR
      if (byte === LF && (crBefore || this.lineEnding !== 'crlf')) {
        this.consume(i + 1 - this.start)
        this.discarding = false
        this.discardSawCr = false
        return true
      }
    }
    this.discardSawCr = this.end > this.start && this.buf[this.end - 1] === CR
    this.consume(this.pending)
    return false
  }

  private makeRoom(incoming: number): void {
    const live = this.pending
    if (live + incoming <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end)
    } else {
      const next = new Uint8Array(Math.max(this.buf.length * 2, live + incoming))
      next.set(this.buf.subarray(this.start, this.end))
      this.buf = next
    }
    this.start = 0
    this.end = live
  }
}
