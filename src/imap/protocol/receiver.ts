// Incremental command framing (Stalwart imap-proto receiver.rs, wildduck imap-parser): raw byte
// chunks in, one complete command at a time out — every line and literal of it — plus the
// moments the session must answer `+` for a synchronising literal. It knows no command names.
//
// RFC 9051 §4.3: a command line ending in `{n}` is followed by n octets and the rest of the
// command; the client sends them only after a continuation request. `{n+}` (LITERAL+, RFC 7888)
// sends them at once. Literal octets stay bytes: 8-bit and, for literal8, NUL are kept.
import { ByteBuffer } from '../../net/byte-buffer.ts'
import { readTag } from './char-classes.ts'
import { ImapParseError } from './imap-parse-error.ts'
import { findLiteralMarker } from './literal-marker.ts'

const CR = 0x0d
const INITIAL_LITERAL_CAPACITY = 64 * 1024

export interface RawLiteral {
  data: Uint8Array
  nonSync: boolean
  binary: boolean
}

/**
 * One command as received: `lines[i]` (without CRLF) ends with the marker of `literals[i]`;
 * the last line ends the command. `lines.length === literals.length + 1`.
 */
export interface RawCommand {
  /** The tag when the first line starts with a valid one, for error replies. */
  tag: string | null
  lines: Uint8Array[]
  literals: RawLiteral[]
}

export type ReceiverEvent =
  | { type: 'command'; command: RawCommand }
  /** Write a continuation request (`+ Ready`) now; the literal's octets follow (RFC 9051 §7.5). */
  | { type: 'continuation'; tag: string | null; size: number }
  /**
   * Answer the error (tagged when error.tag is set). closeConnection: the input can no longer be
   * framed reliably (RFC 9051 §7.1.5 BYE then close).
   */
  | { type: 'error'; error: ImapParseError; closeConnection: boolean }

export type LineEvent =
  | { type: 'line'; line: Uint8Array }
  | { type: 'error'; error: ImapParseError; closeConnection: boolean }

export interface ReceiverLimits {
  /** Longest line, in bytes including CRLF (RFC 7162 §4 asks servers to take at least 8192). */
  maxLineLength: number
  /** Largest literal (APPENDLIMIT, RFC 7889; config listeners.imap.maxLiteralSize). */
  maxLiteralSize: number
  /** All lines and literals of one command (bounds MULTIAPPEND, RFC 3502). */
  maxCommandSize: number
  /** 'plus': LITERAL+ (any size up to maxLiteralSize); 'minus': LITERAL- (at most 4096 octets, RFC 7888 §4). */
  nonSyncLiterals: 'plus' | 'minus'
}

/** RFC 7888 §4: with LITERAL- a non-synchronising literal holds at most 4096 octets. */
export const LITERAL_MINUS_MAX = 4096

export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = {
  maxLineLength: 64 * 1024,
  maxLiteralSize: 64 * 1024 * 1024,
  maxCommandSize: 128 * 1024 * 1024,
  nonSyncLiterals: 'plus',
}

type Phase =
  | { kind: 'line' }
  | { kind: 'literal'; size: number; data: Uint8Array; filled: number; nonSync: boolean; binary: boolean }
  /** A refused non-synchronising literal: its octets are coming anyway (RFC 7888 §4). */
  | { kind: 'discard-literal'; remaining: number }
  /** After a refused literal: skip the rest of that command, including further {n+} literals. */
  | { kind: 'discard-command' }
  /** After a too-long line: skip to its LF. */
  | { kind: 'discard-line' }

interface PartialCommand {
  tag: string | null
  lines: Uint8Array[]
  literals: RawLiteral[]
  size: number
}

export class ImapReceiver {
  /** Mutable: a session may allow larger literals once authenticated. */
  limits: ReceiverLimits

  private readonly input = new ByteBuffer()
  private phase: Phase = { kind: 'line' }
  private current: PartialCommand | null = null

  constructor(limits: Partial<ReceiverLimits> = {}) {
    this.limits = { ...DEFAULT_RECEIVER_LIMITS, ...limits }
  }

  push(chunk: Uint8Array): void {
    this.input.push(chunk)
  }

  /** True between commands: no partial command, literal or discard in progress. */
  get idle(): boolean {
    return this.current === null && this.phase.kind === 'line'
  }

  /** Bytes received but not consumed. */
  get pending(): number {
    return this.input.length
  }

  /**
   * Everything buffered and not yet consumed, removed from the receiver: bytes pipelined behind
   * STARTTLS (to drop, RFC 3207 §4.2 / RFC 9051 §6.2.1) or behind COMPRESS (to inflate, RFC 4978 §3).
   */
  takeLeftover(): Uint8Array {
    return this.input.takeAll()
  }

  /** The next event, or null until more bytes arrive. Never throws for any input. */
  next(): ReceiverEvent | null {
    for (;;) {
      const phase = this.phase
      switch (phase.kind) {
        case 'literal': {
          const n = Math.min(this.input.length, phase.size - phase.filled)
          if (phase.filled + n > phase.data.length) {
            // Grow with what arrives: an announced size is no reason to reserve it all up front.
            const grown = new Uint8Array(Math.min(phase.size, Math.max(phase.data.length * 2, phase.filled + n)))
            grown.set(phase.data.subarray(0, phase.filled))
            phase.data = grown
          }
          phase.data.set(this.input.peek(n), phase.filled)
          this.input.skip(n)
          phase.filled += n
          if (phase.filled < phase.size) return null
          this.current?.literals.push({ data: phase.data, nonSync: phase.nonSync, binary: phase.binary })
          this.phase = { kind: 'line' }
          break
        }
        case 'discard-literal':
        case 'discard-line':
        case 'discard-command':
          if (!this.discard(phase)) return null
          break
        case 'line': {
          const event = this.readLine(this.current?.tag)
          if (event === null) return null
          if (event.type === 'error') {
            this.current = null
            return event
          }
          const result = this.acceptLine(event.line)
          if (result !== null) return result
          break
        }
      }
    }
  }

  /**
   * The next raw line, for input that is not a command: SASL responses after AUTHENTICATE
   * (RFC 9051 §6.2.2) and DONE after IDLE (RFC 2177 §3). Call only while idle.
   */
  nextLine(): LineEvent | null {
    while (this.phase.kind !== 'line') {
      if (this.phase.kind === 'literal' || !this.discard(this.phase)) return null
    }
    return this.readLine()
  }

  /** Consume input for a discard phase; true once it is over. */
  private discard(phase: Phase): boolean {
    if (phase.kind === 'discard-literal') {
      const n = Math.min(this.input.length, phase.remaining)
      this.input.skip(n)
      phase.remaining -= n
      if (phase.remaining > 0) return false
      this.phase = { kind: 'discard-command' }
      return true
    }
    if (phase.kind === 'discard-line') {
      const lf = this.input.indexOfLineFeed()
      if (lf < 0) {
        this.input.skip(this.input.length)
        return false
      }
      this.input.skip(lf + 1)
      this.phase = { kind: 'line' }
      return true
    }
    // discard-command: the next line continues the refused command.
    const event = this.readLine()
    if (event === null) return false
    if (event.type === 'error') return true // readLine switched to discard-line
    const marker = findLiteralMarker(event.line)
    this.phase =
      marker?.nonSync && Number.isFinite(marker.size)
        ? { kind: 'discard-literal', remaining: marker.size }
        : { kind: 'line' }
    return true
  }

  /** `tag`: of the command the line continues; read from the line itself when undefined. */
  private readLine(tag?: string | null): LineEvent | null {
    const { maxLineLength } = this.limits
    const lf = this.input.indexOfLineFeed()
    if (lf < 0 && this.input.length < maxLineLength) return null
    if (lf < 0 || lf + 1 > maxLineLength) {
      const errorTag = tag === undefined ? readTag(this.input.peek(256)) : tag
      if (lf < 0) {
        this.input.skip(this.input.length)
        this.phase = { kind: 'discard-line' }
      } else {
        this.input.skip(lf + 1)
        this.phase = { kind: 'line' }
      }
      const error = new ImapParseError(`Line longer than ${maxLineLength} bytes`, errorTag, { code: 'TOOBIG' })
      return { type: 'error', error, closeConnection: true }
    }
    const raw = this.input.take(lf + 1)
    const end = lf > 0 && raw[lf - 1] === CR ? lf - 1 : lf
    return { type: 'line', line: raw.subarray(0, end) }
  }

  /** Add a complete line to the command; an event when the session must act. */
  private acceptLine(line: Uint8Array): ReceiverEvent | null {
    // An empty line between commands is not a command; clients send stray CRLFs.
    if (this.current === null && line.length === 0) return null
    const command = this.current ?? { tag: readTag(line), lines: [], literals: [], size: 0 }
    this.current = command
    command.lines.push(line)
    command.size += line.length + 2
    const { maxLiteralSize, maxCommandSize, nonSyncLiterals } = this.limits
    const marker = findLiteralMarker(line)
    if (marker === null) {
      this.current = null
      if (command.size > maxCommandSize) return this.refuse(command.tag, `Command larger than ${maxCommandSize} bytes`)
      return { type: 'command', command: { tag: command.tag, lines: command.lines, literals: command.literals } }
    }
    const { size, nonSync, binary } = marker
    const literalLimit =
      nonSync && nonSyncLiterals === 'minus' ? Math.min(maxLiteralSize, LITERAL_MINUS_MAX) : maxLiteralSize
    let refusal: string | null = null
    if (size > literalLimit) {
      refusal =
        nonSync && nonSyncLiterals === 'minus' && size <= maxLiteralSize
          ? `Non-synchronizing literal larger than ${LITERAL_MINUS_MAX} bytes (LITERAL-); use {${size}}`
          : `Literal of ${Number.isFinite(size) ? size : 'that many'} bytes exceeds the limit of ${literalLimit}`
    } else if (command.size + size > maxCommandSize) {
      refusal = `Command larger than ${maxCommandSize} bytes`
    }
    if (refusal !== null) {
      this.current = null
      if (!nonSync) {
        // The client waits for `+` and will not send the octets: refuse with NO [TOOBIG] and
        // carry on with the next command (RFC 7889 §3, RFC 9051 §7.1).
        const error = new ImapParseError(refusal, command.tag, { status: 'NO', code: 'TOOBIG' })
        return { type: 'error', error, closeConnection: false }
      }
      // The octets are on their way: BAD, then skip them and the rest of the command (RFC 7888 §4).
      return this.refuse(command.tag, refusal, size)
    }
    command.size += size
    const data = new Uint8Array(Math.min(size, INITIAL_LITERAL_CAPACITY))
    this.phase = { kind: 'literal', size, data, filled: 0, nonSync, binary }
    return nonSync ? null : { type: 'continuation', tag: command.tag, size }
  }

  private refuse(tag: string | null, message: string, discardSize?: number): ReceiverEvent {
    const error = new ImapParseError(message, tag, { code: 'TOOBIG' })
    if (discardSize === undefined) return { type: 'error', error, closeConnection: false }
    if (!Number.isFinite(discardSize)) {
      // An absurd size cannot be skipped; the framing is lost.
      this.phase = { kind: 'line' }
      return { type: 'error', error, closeConnection: true }
    }
    this.phase = { kind: 'discard-literal', remaining: discardSize }
    return { type: 'error', error, closeConnection: false }
  }
}
