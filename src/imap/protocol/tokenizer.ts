// A cursor over one received command (lines + literals) with the token rules of RFC 9051 §9:
// atoms, quoted strings, literals, astrings, nstrings, numbers, lists, mailbox names, sequence
// sets and dates. Argument parsers read typed values through it; every failure is an
// ImapParseError (BAD) naming what was wrong and carrying the command's tag.
import { ASTRING_CHAR, ATOM_CHAR, LIST_CHAR, isDigit } from './char-classes.ts'
import { type ImapDate, type ImapDateTime, parseImapDate, parseImapDateTime } from './date-time.ts'
import { ImapParseError, type ImapParseErrorOptions } from './imap-parse-error.ts'
import { decodeMailboxName } from './mailbox-name.ts'
import type { ParseResult } from './parse-result.ts'
import type { RawCommand } from './receiver.ts'
import { type SequenceSet, type SequenceSetOptions, parseSequenceSet } from './sequence-set.ts'

const SP = 0x20
const CR = 0x0d
const DQUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_PAREN = 0x28
const CLOSE_PAREN = 0x29
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const PLUS = 0x2b
const TILDE = 0x7e

export interface TokenizerOptions {
  /** UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051) is enabled: mailbox names are raw UTF-8. */
  utf8Accept: boolean
}

export interface LiteralValue {
  data: Uint8Array
  /** literal8 (`~{n}`, RFC 3516 §4.3). */
  binary: boolean
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })
const utf8Lenient = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

/**
 * number64 and mod-sequence values are 63-bit (RFC 9051 §9, RFC 7162 §7). They are returned as JS
 * numbers: exact up to 2^53, and above that rounded but still ordered, so comparing a client's
 * value with this server's (always below 2^53) stays correct.
 */
const MAX_NUMBER64 = 9_223_372_036_854_775_807n
const MAX_NUMBER = 4_294_967_295

export class ImapTokenizer {
  private lineIndex = 0
  private pos = 0
  private line: Uint8Array
  /** Echoed in errors; null until (unless) a valid tag was read. */
  tag: string | null

  constructor(
    private readonly command: RawCommand,
    readonly options: TokenizerOptions,
  ) {
    this.line = command.lines[0] ?? new Uint8Array(0)
    this.tag = command.tag
  }

  fail(message: string, options?: ImapParseErrorOptions): never {
    throw new ImapParseError(message, this.tag, options)
  }

  /** The value of a standalone parser's result, or a BAD with its message. */
  check<T>(result: ParseResult<T>): T {
    if (!result.ok) this.fail(result.error)
    return result.value
  }

  get atEnd(): boolean {
    return this.pos >= this.line.length && this.lineIndex >= this.command.lines.length - 1
  }

  /** The next byte of the current line (undefined at its end). */
  peek(offset = 0): number | undefined {
    return this.line[this.pos + offset]
  }

  /** True (and consumed) when the next byte is `byte`. */
  consume(byte: number): boolean {
    if (this.line[this.pos] !== byte) return false
    this.pos++
    return true
  }

  expect(byte: number, message: string): void {
    if (!this.consume(byte)) this.fail(message)
  }

  /** Case-insensitive keyword lookahead, consumed when it matches and is followed by a delimiter. */
  consumeKeyword(keyword: string): boolean {
    const n = keyword.length
    for (let i = 0; i < n; i++) {
      const b = this.line[this.pos + i]
      if (b === undefined || (b | 0x20) !== (keyword.charCodeAt(i) | 0x20)) return false
    }
    const after = this.line[this.pos + n]
    if (after !== undefined && ATOM_CHAR[after] === 1) return false
    this.pos += n
    return true
  }

  /** The SP before a required argument; "Missing <what>" when the command ends instead. */
  space(what: string): void {
    if (this.atEnd) this.fail(`Missing ${what}`)
    if (!this.consume(SP)) this.fail(`Expected a space before ${what}, got ${this.describeNext()}`)
    if (this.atEnd) this.fail(`Missing ${what}`)
  }

  /** For optional trailing arguments: false at the end, else the SP is consumed. */
  more(): boolean {
    if (this.atEnd) return false
    if (!this.consume(SP)) this.fail(`Unexpected ${this.describeNext()}`)
    if (this.atEnd) this.fail('Trailing space at end of command')
    return true
  }

  /** The command must end here. */
  end(): void {
    if (this.atEnd) return
    if (this.peek() === SP) this.fail(`Unexpected extra argument after ${this.describePrevious()}`)
    this.fail(`Unexpected ${this.describeNext()}`)
  }

  /** 1*ATOM-CHAR (or another class), as text. */
  atom(what: string, chars: Uint8Array = ATOM_CHAR): string {
    const start = this.pos
    while (this.pos < this.line.length && chars[this.line[this.pos] as number] === 1) this.pos++
    const next = this.line[this.pos]
    if (next !== undefined && next >= 0x80) this.fail(`8-bit character in ${what}`)
    if (this.pos === start) this.fail(`Expected ${what}, got ${this.describeNext()}`)
    return latin1.decode(this.line.subarray(start, this.pos))
  }

  atomUpper(what: string): string {
    return this.atom(what).toUpperCase()
  }

  /** number (32-bit unsigned), nz-number, or number64 (RFC 9051 §9). */
  number(what: string, options: { nonZero?: boolean; wide?: boolean } = {}): number {
    const start = this.pos
    while (isDigit(this.line[this.pos])) this.pos++
    if (this.pos === start) this.fail(`Expected ${what} (a number), got ${this.describeNext()}`)
    const text = latin1.decode(this.line.subarray(start, this.pos)).replace(/^0+(?=[0-9])/, '')
    const tooLarge = options.wide
      ? text.length > 19 || BigInt(text) > MAX_NUMBER64
      : text.length > 10 || Number(text) > MAX_NUMBER
    if (tooLarge) this.fail(`Invalid ${what}: ${text} is too large`)
    const value = Number(text)
    if (options.nonZero && value === 0) this.fail(`Invalid ${what}: must not be 0`)
    return value
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE; only \\ and \" are escapes (RFC 9051 §4.3). */
  quoted(what: string): Uint8Array {
    this.expect(DQUOTE, `Expected ${what} as a quoted string`)
    const out: number[] = []
    for (;;) {
      const b = this.line[this.pos++]
      if (b === undefined) this.fail(`Unterminated quoted string in ${what}`)
      if (b === DQUOTE) return Uint8Array.from(out)
      if (b === 0) this.fail(`NUL character in quoted string (${what})`)
      if (b === CR) this.fail(`CR in quoted string (${what})`)
      if (b === BACKSLASH) {
        const escaped = this.line[this.pos++]
        if (escaped !== DQUOTE && escaped !== BACKSLASH) {
          this.fail(`Invalid escape in quoted string (${what}): only \\\\ and \\" are allowed`)
        }
        out.push(escaped)
      } else out.push(b)
    }
  }

  /** `{n}` / `{n+}` (and `~{n}` when binary is allowed) ending the line; its octets come next. */
  literal(what: string, allowBinary = false): LiteralValue {
    const binary = this.consume(TILDE)
    if (binary && !allowBinary) this.fail(`literal8 (~{n}) is not allowed for ${what}`)
    this.expect(OPEN_BRACE, `Expected ${what} as a literal`)
    const start = this.pos
    while (isDigit(this.line[this.pos])) this.pos++
    const digits = this.pos - start
    this.consume(PLUS)
    if (digits === 0 || !this.consume(CLOSE_BRACE) || this.pos !== this.line.length) {
      this.fail(`Invalid literal in ${what}: a literal is {size} at the end of a line`)
    }
    const literal = this.command.literals[this.lineIndex]
    const nextLine = this.command.lines[this.lineIndex + 1]
    // The receiver pairs every marker with its octets; a mismatch means a hand-built RawCommand.
    if (literal === undefined || nextLine === undefined) this.fail(`Missing literal data for ${what}`)
    this.lineIndex++
    this.line = nextLine
    this.pos = 0
    return { data: literal.data, binary }
  }

  /** string = quoted / literal */
  string(what: string): Uint8Array {
    const b = this.peek()
    if (b === DQUOTE) return this.quoted(what)
    if (b === OPEN_BRACE) return this.literal(what).data
    this.fail(`Expected ${what} as a string, got ${this.describeNext()}`)
  }

  /** astring = 1*ASTRING-CHAR / string */
  astringBytes(what: string, chars: Uint8Array = ASTRING_CHAR): Uint8Array {
    const b = this.peek()
    if (b === DQUOTE || b === OPEN_BRACE) return this.string(what)
    if (b === TILDE && this.peek(1) === OPEN_BRACE) return this.literal(what).data // refused: literal8
    const start = this.pos
    this.atom(what, chars)
    return this.line.subarray(start, this.pos)
  }

  /**
   * An astring as text. Strict: invalid UTF-8 or NUL is a BAD (user names, passwords). Lenient:
   * invalid sequences become U+FFFD (search text, whose CHARSET the command checks).
   */
  astring(what: string, decoding: 'strict' | 'lenient' = 'strict'): string {
    return this.decodeText(this.astringBytes(what), what, decoding)
  }

  /** nstring = string / nil */
  nstring(what: string): string | null {
    if (this.consumeKeyword('NIL')) return null
    return this.decodeText(this.string(what), what, 'strict')
  }

  decodeText(bytes: Uint8Array, what: string, decoding: 'strict' | 'lenient' = 'strict'): string {
    if (decoding === 'lenient') return utf8Lenient.decode(bytes)
    if (bytes.includes(0)) this.fail(`NUL character in ${what}`)
    try {
      return utf8Strict.decode(bytes)
    } catch {
      this.fail(`Invalid UTF-8 in ${what}`)
    }
  }

  /** mailbox = "INBOX" / astring, decoded from modified UTF-7 (or UTF-8 with UTF8=ACCEPT). */
  mailbox(what = 'mailbox name'): string {
    return this.check(decodeMailboxName(this.astringBytes(what), this.options.utf8Accept))
  }

  /** list-mailbox = 1*list-char / string: a LIST pattern keeps "%" and "*" (RFC 9051 §6.3.9). */
  listMailbox(what = 'mailbox pattern'): string {
    return this.check(decodeMailboxName(this.astringBytes(what, LIST_CHAR), this.options.utf8Accept))
  }

  /** sequence-set, up to the next SP or parenthesis. */
  sequenceSet(what = 'sequence set', options: SequenceSetOptions = {}): SequenceSet {
    const start = this.pos
    for (;;) {
      const b = this.line[this.pos]
      if (b === undefined || b === SP || b === OPEN_PAREN || b === CLOSE_PAREN) break
      this.pos++
    }
    if (this.pos === start) this.fail(`Missing ${what}`)
    const text = latin1.decode(this.line.subarray(start, this.pos))
    const result = parseSequenceSet(text, options)
    if (!result.ok) this.fail(`Invalid ${what}: ${result.error.replace(/^Invalid sequence set /, '')}`)
    return result.value
  }

  /** date = date-text / DQUOTE date-text DQUOTE */
  date(what = 'date'): ImapDate {
    const text = this.peek() === DQUOTE ? latin1.decode(this.quoted(what)) : this.atom(what)
    return this.check(parseImapDate(text))
  }

  /** date-time, always quoted. */
  dateTime(what = 'date-time'): ImapDateTime {
    return this.check(parseImapDateTime(latin1.decode(this.quoted(what))))
  }

  /** "(" item *(SP item) ")"; an empty list only when allowed. */
  list<T>(what: string, item: () => T, options: { allowEmpty?: boolean } = {}): T[] {
    this.expect(OPEN_PAREN, `Expected "(" to start ${what}, got ${this.describeNext()}`)
    const items: T[] = []
    if (this.consume(CLOSE_PAREN)) {
      if (!options.allowEmpty) this.fail(`Empty ${what}`)
      return items
    }
    for (;;) {
      items.push(item())
      if (this.consume(CLOSE_PAREN)) return items
      if (this.atEnd) this.fail(`Unbalanced parentheses: ${what} is not closed`)
      if (!this.consume(SP)) this.fail(`Expected a space or ")" in ${what}, got ${this.describeNext()}`)
    }
  }

  /** For messages: what comes next, printable. */
  describeNext(): string {
    if (this.atEnd) return 'end of command'
    const b = this.line[this.pos]
    if (b === undefined) return 'end of line'
    if (b === SP) return 'a space'
    if (b >= 0x21 && b < 0x7f) {
      const rest = latin1.decode(this.line.subarray(this.pos, Math.min(this.line.length, this.pos + 20)))
      return `"${rest.split(' ')[0]}"`
    }
    return `byte 0x${b.toString(16).padStart(2, '0')}`
  }

  private describePrevious(): string {
    let start = this.pos
    while (start > 0 && this.line[start - 1] !== SP) start--
    const word = latin1.decode(this.line.subarray(start, this.pos))
    return word === '' ? 'the last argument' : `"${word}"`
  }
}
