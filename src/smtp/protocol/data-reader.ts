// The DATA body reader (RFC 5321 §4.1.1.4, §4.5.2): fed raw bytes as they arrive, it undoes
// dot-stuffing, finds the end marker <CRLF>.<CRLF> and returns the message bytes (8-bit bytes kept,
// nothing decoded) plus whatever followed the marker (RFC 2920 PIPELINING: the next command may
// share the chunk). It is a byte state machine, so a marker or a CRLF split across chunks is found
// the same as one inside a chunk, and no input is buffered except the message itself.
//
// SMTP smuggling (CVE-2023-51764 Postfix, CVE-2023-51765 Sendmail, CVE-2023-51766 Exim; SEC Consult,
// Dec 2023): if this server took `\n.\n`, `\r.\r` or `\n.\r\n` as the end of DATA while the sending
// server saw ordinary content, a second, forged message hidden after it would be accepted as if sent
// by the first server's user. So the end marker counts only as CRLF "." CRLF, with a real CRLF on
// both sides. Any bare CR or LF is either
//   - 'reject' (default, like Postfix smtpd_forbid_bare_newline=reject): read on to the real end
//     marker, then fail the message with 550 5.5.2; or
//   - 'normalize' (like Postfix's `normalize`): store each bare CR or LF as CRLF. The end marker
//     still needs real CRLFs, and the stored message has only CRLF line ends, so nothing smuggled
//     can turn into a marker when this server relays the message on.
//
// Limits are enforced while reading: past maxMessageSize the bytes are counted and dropped (never
// buffered) until the end marker, then 552 5.3.4 (RFC 1870 §6.3: the reply comes after the data);
// a line longer than maxLineLength (RFC 5321 §4.5.3.1.6: 1000 octets with CRLF, the leading
// transparency dot not counted) fails the message with 554 5.6.0.
import type { ReplyName } from './reply-codes.ts'
import { type SmtpReplyError, replyError } from './reply-error.ts'

export type BareLineEndingPolicy = 'reject' | 'normalize'

export interface DataReaderOptions {
  /** Largest message in octets, after dot-unstuffing (config smtp.maxMessageSize). */
  maxMessageSize: number
  /** Longest text line in octets including CRLF; default 1000; Infinity disables the check. */
  maxLineLength?: number
  /** What a bare CR or LF does: 'reject' (default) or 'normalize' to CRLF. */
  bareLineEndings?: BareLineEndingPolicy
}

export type DataReaderResult =
  | { readonly done: false }
  | {
      readonly done: true
      /** The message with CRLF line ends, or null when it failed. */
      readonly message: Uint8Array | null
      /** Why the message failed (size, line length, bare line ending), or null. */
      readonly error: SmtpReplyError | null
      /** Octets of message content seen, including any past the limit. */
      readonly size: number
      /** Bytes that followed the end marker in the last chunk (a pipelined command). */
      readonly leftover: Uint8Array
    }

/** RFC 5321 §4.5.3.1.6. */
export const DEFAULT_MAX_DATA_LINE = 1000

const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const INITIAL_CAPACITY = 16 * 1024

/**
 * lineStart: at the start of a line · dot: the line began with "." · dotCr: the line is "." then
 * CR · text: inside a line · cr: inside a line, after a CR.
 */
type State = 'lineStart' | 'dot' | 'dotCr' | 'text' | 'cr'

const NOT_DONE: DataReaderResult = { done: false }

export class DataReader {
  private readonly maxMessageSize: number
  private readonly maxLineLength: number
  private readonly policy: BareLineEndingPolicy

  private state: State = 'lineStart'
  /** The current line started after a real CRLF: only then can "." CRLF end the message. */
  private crlfBefore = true
  private lineLength = 0
  private size = 0
  private error: SmtpReplyError | null = null
  /** Output space, made at the second run: a message that is one run of one chunk is not copied. */
  private out: Uint8Array | null = null
  private outLength = 0
  /** The first run (a view of a chunk, which take() gave this reader to keep) while it is the only one. */
  private onlyRun: Uint8Array | null = null
  private finished = false

  constructor(options: DataReaderOptions) {
    if (!(options.maxMessageSize >= 0)) throw new RangeError('maxMessageSize must be >= 0')
    this.maxMessageSize = options.maxMessageSize
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_DATA_LINE
    this.policy = options.bareLineEndings ?? 'reject'
  }

  /**
   * Feed the next bytes; returns done once the end marker has been read. Throws if already done.
   * The reader keeps views of `chunk` (the message may be one), so the caller hands it over: the
   * session's chunks are fresh copies from its line reader (take()).
   */
  push(chunk: Uint8Array): DataReaderResult {
    if (this.finished) throw new Error('DataReader: push() after the end of data')
    const n = chunk.length
    // Ordinary lines (no leading dot, ended by CRLF) are copied to the output as one run per
    // chunk instead of a copy per line and per line ending; the run is cut where the reader has
    // to change bytes (a transparency dot, a bare line ending) and at the end of the chunk.
    let runStart = 0
    let i = 0
    while (i < n) {
      const b = chunk[i] ?? 0
      switch (this.state) {
        case 'lineStart':
          if (b === DOT) {
            this.flushRun(chunk, runStart, i)
            this.state = 'dot'
            i++
            runStart = i
          } else {
            this.state = 'text'
          }
          break
        case 'dot':
          if (b === CR) {
            this.state = 'dotCr'
            i++
          } else if (b === LF) {
            // "." then a bare LF: content, not the end (`\n.\n` / `\r\n.\n` smuggling).
            this.bareLineEnding()
            this.emitDotLine(false)
            i++
          } else {
            // RFC 5321 §4.5.2: a leading "." followed by more text is removed.
            this.state = 'text'
          }
          runStart = i
          break
        case 'dotCr':
          if (b === LF) {
            i++
            if (this.crlfBefore) return this.finish(chunk.subarray(i))
            // `\n.\r\n`: the line before ended with a bare LF, so this is content.
            this.emitDotLine(true)
          } else {
            // "." then a bare CR (`\r.\r`): content; b starts the next line.
            this.bareLineEnding()
            this.emitDotLine(false)
          }
          runStart = i
          break
        case 'text': {
          let j = i
          while (j < n) {
            const c = chunk[j]
            if (c === CR || c === LF) break
            j++
          }
          this.lineLength += j - i
          if (this.lineLength + 2 > this.maxLineLength) this.fail('dataLineTooLong')
          if (j + 1 < n && chunk[j] === CR && chunk[j + 1] === LF) {
            // The common case: a CRLF line end, part of the run.
            this.lineLength = 0
            this.state = 'lineStart'
            this.crlfBefore = true
            i = j + 2
            break
          }
          if (j === n) {
            i = n
            break
          }
          // A line ending that is split across chunks or bare: handled byte by byte.
          this.flushRun(chunk, runStart, j)
          if (chunk[j] === CR) {
            this.state = 'cr'
          } else {
            this.bareLineEnding()
            this.endLine(false)
          }
          i = j + 1
          runStart = i
          break
        }
        case 'cr':
          if (b === LF) {
            this.endLine(true)
            i++
          } else {
            // A CR not followed by LF; b (possibly another CR) starts the next line.
            this.bareLineEnding()
            this.endLine(false)
          }
          runStart = i
          break
      }
    }
    this.flushRun(chunk, runStart, n)
    return NOT_DONE
  }

  private flushRun(chunk: Uint8Array, from: number, to: number): void {
    if (to > from) this.emit(chunk.subarray(from, to), true)
  }

  private endLine(crlf: boolean): void {
    this.emit(CRLF_BYTES)
    this.lineLength = 0
    this.state = 'lineStart'
    this.crlfBefore = crlf
  }

  /** A line holding only "." that is not the end marker. */
  private emitDotLine(crlf: boolean): void {
    this.emit(DOT_BYTES)
    this.endLine(crlf)
  }

  private bareLineEnding(): void {
    if (this.policy === 'reject') this.fail('bareLineEnding')
  }

  /** `chunkView`: `bytes` is part of a pushed chunk (not one of the shared constants). */
  private emit(bytes: Uint8Array, chunkView = false): void {
    this.size += bytes.length
    if (this.size > this.maxMessageSize) this.fail('sizeExceeded')
    if (this.error !== null) return
    if (this.out === null) {
      // Most messages arrive in one chunk with nothing to unstuff: that run is the message.
      if (this.onlyRun === null && chunkView) {
        this.onlyRun = bytes
        return
      }
      const first = this.onlyRun ?? new Uint8Array(0)
      this.onlyRun = null
      this.out = uninitializedBytes(
        Math.min(Math.max(INITIAL_CAPACITY, first.length + bytes.length), this.maxMessageSize),
      )
      this.out.set(first)
      this.outLength = first.length
    }
    const needed = this.outLength + bytes.length
    if (needed > this.out.length) {
      const grown = uninitializedBytes(Math.min(Math.max(this.out.length * 2, needed), this.maxMessageSize))
      grown.set(this.out.subarray(0, this.outLength))
      this.out = grown
    }
    this.out.set(bytes, this.outLength)
    this.outLength = needed
  }

  /** Record the first failure and drop what was collected: the rest is only counted. */
  private fail(name: ReplyName): void {
    if (this.error !== null) return
    const text = name === 'dataLineTooLong' ? `Message has a line longer than ${this.maxLineLength} octets` : undefined
    this.error = replyError(name, text, 'DATA')
    this.out = null
    this.onlyRun = null
    this.outLength = 0
  }

  private finish(leftover: Uint8Array): DataReaderResult {
    this.finished = true
    // The buffer (or the one chunk) is not used again, so the message is a view of it, not a copy.
    const message =
      this.error !== null
        ? null
        : this.out !== null
          ? this.out.subarray(0, this.outLength)
          : (this.onlyRun ?? new Uint8Array(0))
    this.out = null
    this.onlyRun = null
    return { done: true, message, error: this.error, size: this.size, leftover: leftover.slice() }
  }
}

/**
 * Output space without zero-filling: every byte handed out is written first (outLength). A plain
 * Uint8Array view, so slice() copies as usual (Buffer's slice would not).
 */
function uninitializedBytes(length: number): Uint8Array {
  const b = Buffer.allocUnsafe(length)
  return new Uint8Array(b.buffer, b.byteOffset, b.length)
}

const CRLF_BYTES = Uint8Array.of(CR, LF)
const DOT_BYTES = Uint8Array.of(DOT)
