// Response writing (RFC 9051 §7, formal syntax §9): pure functions returning strings for plain
// status lines and bytes for responses that may carry literals. A string goes out quoted when
// that is safe and short, otherwise as a literal `{n}\r\n<octets>` (RFC 9051 §4.3): quoted
// strings cannot carry CR, LF or NUL, and carry 8-bit text only once UTF8=ACCEPT/IMAP4rev2 is on.
import { ASTRING_CHAR } from './char-classes.ts'
import { formatImapDateTime } from './date-time.ts'
import { encodeMailboxName } from './mailbox-name.ts'
import { concatBytes } from '../../core/bytes.ts'

const encoder = new TextEncoder()
const CRLF = '\r\n'

/** Longer strings go out as literals: quoted strings this long are where client parsers give up. */
export const MAX_QUOTED_LENGTH = 1024

export type ResponseValue =
  /** Written as is: atoms, numbers, `\Seen`, `BODY[1]<0>`, already-formatted text. */
  | { type: 'raw'; text: string }
  /** Quoted or literal, chosen by quotability. */
  | { type: 'string'; value: string | Uint8Array }
  /** Always a literal; `binary` writes literal8 `~{n}` (RFC 3516 §4.2). */
  | { type: 'literal'; value: Uint8Array; binary: boolean }
  | { type: 'nil' }
  | { type: 'list'; items: ResponseValue[] }
  /** A literal whose octets are read while they are written (a big message body, streamed). */
  | StreamedLiteral

/**
 * A literal of known size whose octets come from `chunks()` (a file, read piece by piece). The
 * session writes the `{size}` prefix, then the chunks as the connection takes them; the chunks
 * must add up to exactly `size` octets.
 */
export interface StreamedLiteral {
  type: 'stream'
  size: number
  binary: boolean
  chunks(): AsyncIterable<Uint8Array>
}

export interface SerializeOptions {
  /** UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2: UTF-8 may appear in quoted strings. */
  utf8?: boolean
}

export const NIL: ResponseValue = { type: 'nil' }
export const raw = (text: string | number): ResponseValue => ({ type: 'raw', text: String(text) })
export const str = (value: string | Uint8Array): ResponseValue => ({ type: 'string', value })
export const nstr = (value: string | Uint8Array | null | undefined): ResponseValue =>
  value === null || value === undefined ? NIL : str(value)
export const literal = (value: Uint8Array, binary = false): ResponseValue => ({ type: 'literal', value, binary })
export const list = (items: ResponseValue[]): ResponseValue => ({ type: 'list', items })

/** A mailbox name value: modified UTF-7 unless UTF-8 is enabled (RFC 3501 §5.1.3, RFC 6855 §3). */
export const mailboxValue = (name: string, utf8 = false): ResponseValue => str(encodeMailboxName(name, utf8))

/** A date-time value, e.g. INTERNALDATE `"17-Jul-1996 02:44:25 -0700"`. */
export const dateTimeValue = (date: Date, offsetMinutes = 0): ResponseValue =>
  raw(`"${formatImapDateTime(date, offsetMinutes)}"`)

/** `(\Seen $Forwarded)` */
export const flagListValue = (flags: readonly string[]): ResponseValue => raw(formatFlagList(flags))

export function formatFlagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`
}

/** Whether `bytes` can be written as a quoted string. */
export function isQuotable(bytes: Uint8Array, utf8 = false): boolean {
  if (bytes.length > MAX_QUOTED_LENGTH) return false
  // An indexed loop: FETCH runs this for every string of every ENVELOPE.
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === 0 || b === 0x0a || b === 0x0d) return false
    if (b >= 0x80 && !utf8) return false
  }
  return true
}

/**
 * Whether `text` is short 7-bit text that may be quoted (RFC 9051 §9 QUOTED-CHAR: any CHAR but
 * CR and LF, CHAR being %x01-7F). Such text is its own UTF-8 encoding, so it is quotable with or
 * without UTF8=ACCEPT: the common case, decided without encoding the string.
 */
export function isQuotableAscii(text: string): boolean {
  if (text.length > MAX_QUOTED_LENGTH) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0 || c === 0x0a || c === 0x0d || c >= 0x80) return false
  }
  return true
}

/** `"..."` with `\` and `"` escaped; the caller has checked quotability. */
export function quoteString(text: string): string {
  // Most strings have nothing to escape: skip the regex replace for them.
  if (text.indexOf('"') < 0 && text.indexOf('\\') < 0) return `"${text}"`
  return `"${text.replace(/["\\]/g, c => `\\${c}`)}"`
}

/** A string as wire text: quoted when possible, else a literal (as text: `{n}\r\n...`). */
export function formatString(text: string, options: SerializeOptions = {}): string {
  if (isQuotableAscii(text)) return quoteString(text)
  const bytes = encoder.encode(text)
  if (isQuotable(bytes, options.utf8) && isValidScalarText(text)) return quoteString(text)
  return `{${bytes.length}}${CRLF}${text}`
}

/** An astring: an atom when every character allows it, else as formatString. */
export function formatAstring(text: string, options: SerializeOptions = {}): string {
  if (text.length > 0 && text.length <= MAX_QUOTED_LENGTH && isAstringAtom(text)) {
    return text
  }
  return formatString(text, options)
}

/** Every character is an ASTRING-CHAR (a non-ASCII one never is: ASTRING_CHAR covers 0-127). */
function isAstringAtom(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (ASTRING_CHAR[text.charCodeAt(i)] !== 1) return false
  }
  return true
}

/** Lone surrogates would be replaced by U+FFFD on encoding; the literal length still matches. */
function isValidScalarText(text: string): boolean {
  return !/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))
}

/** Values separated by SP, as bytes (literals kept byte-exact). Streamed literals are not allowed here. */
export function serializeValues(values: readonly ResponseValue[], options: SerializeOptions = {}): Uint8Array {
  const parts = serializeParts(values, options)
  if (parts.some(part => !(part instanceof Uint8Array))) throw new Error('streamed literal in serializeValues')
  return concatBytes(parts as Uint8Array[])
}

/** Whether a value (or anything inside a list) is a streamed literal. */
export function hasStreamedLiteral(values: readonly ResponseValue[]): boolean {
  return values.some(v => v.type === 'stream' || (v.type === 'list' && hasStreamedLiteral(v.items)))
}

/**
 * Where serialized values go, in wire order: runs of wire text (7-bit, or UTF-8 in quoted strings
 * once allowed), byte runs (literal octets and quoted 8-bit strings, to be written as they are) and
 * streamed literals (their `{size}` prefix ends the text before them).
 */
export interface ResponseSink {
  text(text: string): void
  bytes(bytes: Uint8Array): void
  stream(literal: StreamedLiteral): void
}

/**
 * Values separated by SP as a sequence of byte runs and streamed literals, in wire order: a
 * streamed literal's `{size}` prefix ends the bytes before it.
 */
export function serializeParts(
  values: readonly ResponseValue[],
  options: SerializeOptions = {},
): Array<Uint8Array | StreamedLiteral> {
  const parts: Array<Uint8Array | StreamedLiteral> = []
  writeValues(values, options, {
    text: text => parts.push(encoder.encode(text)),
    bytes: bytes => parts.push(bytes),
    stream: literal => parts.push(literal),
  })
  return parts
}

/**
 * Values separated by SP into `sink`, between `prefix` and `suffix` (wire text such as `* ` and
 * CRLF). Text is collected into runs and handed over only before octets that must go as they are,
 * so a FETCH response with one literal is three calls.
 */
export function writeValues(
  values: readonly ResponseValue[],
  options: SerializeOptions,
  sink: ResponseSink,
  prefix = '',
  suffix = '',
): void {
  let text = prefix
  const flushText = () => {
    if (text !== '') sink.text(text)
    text = ''
  }
  const writeLiteral = (bytes: Uint8Array, binary: boolean) => {
    text += `${binary ? '~' : ''}{${bytes.length}}${CRLF}`
    flushText()
    sink.bytes(bytes)
  }
  const write = (value: ResponseValue) => {
    switch (value.type) {
      case 'raw':
        text += value.text
        return
      case 'nil':
        text += 'NIL'
        return
      case 'list':
        text += '('
        for (let i = 0; i < value.items.length; i++) {
          if (i > 0) text += ' '
          write(value.items[i] as ResponseValue)
        }
        text += ')'
        return
      case 'string': {
        if (typeof value.value === 'string' && isQuotableAscii(value.value)) {
          text += quoteString(value.value)
          return
        }
        const bytes = typeof value.value === 'string' ? encoder.encode(value.value) : value.value
        const quotable =
          isQuotable(bytes, options.utf8) && (typeof value.value !== 'string' || isValidScalarText(value.value))
        if (quotable && typeof value.value === 'string') {
          text += quoteString(value.value)
          return
        }
        if (quotable) {
          // Quotable bytes are 7-bit (or UTF-8 allowed); escape on the byte level.
          flushText()
          sink.bytes(quoteBytes(bytes))
          return
        }
        writeLiteral(bytes, false)
        return
      }
      case 'literal':
        writeLiteral(value.value, value.binary)
        return
      case 'stream':
        text += `${value.binary ? '~' : ''}{${value.size}}${CRLF}`
        flushText()
        sink.stream(value)
        return
    }
  }
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ' '
    write(values[i] as ResponseValue)
  }
  text += suffix
  flushText()
}

function quoteBytes(bytes: Uint8Array): Uint8Array {
  const out: number[] = [0x22]
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out.push(0x5c)
    out.push(b)
  }
  out.push(0x22)
  return Uint8Array.from(out)
}

export { concatBytes }

/** `* <values>\r\n`, e.g. untagged([raw(12), raw('FETCH'), list([...])]). */
export function untagged(values: readonly ResponseValue[], options: SerializeOptions = {}): Uint8Array {
  return concatBytes([encoder.encode('* '), serializeValues(values, options), encoder.encode(CRLF)])
}

/**
 * A response code, `[UIDNEXT 5]`, `[PERMANENTFLAGS (\Seen \*)]`, `[COPYUID 1 1:3 5:7]`
 * (RFC 9051 §7.1). Arguments are written as given (already formatted).
 */
export function responseCode(name: string, ...args: Array<string | number>): string {
  return `[${[name, ...args].join(' ')}]`
}

export type TaggedStatus = 'OK' | 'NO' | 'BAD'
export type UntaggedStatus = TaggedStatus | 'BYE' | 'PREAUTH'

/** text = 1*TEXT-CHAR: no CR, LF or NUL, and never empty. */
function responseText(text: string): string {
  const clean = text.replace(/[\r\n\0]+/g, ' ').trim()
  return clean === '' ? 'done' : clean
}

/** `A1 OK [READ-WRITE] SELECT completed\r\n`; `code` as from responseCode(), or a bare name. */
export function taggedResponse(tag: string, status: TaggedStatus, text: string, code?: string): string {
  return `${tag} ${statusLine(status, text, code)}${CRLF}`
}

/** `* OK [UIDVALIDITY 3857529045] UIDs valid\r\n`, `* BYE Logging out\r\n`. */
export function untaggedResponse(status: UntaggedStatus, text: string, code?: string): string {
  return `* ${statusLine(status, text, code)}${CRLF}`
}

function statusLine(status: UntaggedStatus, text: string, code?: string): string {
  const formattedCode = code === undefined ? '' : code.startsWith('[') ? code : `[${code}]`
  const body = responseText(text)
  return formattedCode === '' ? `${status} ${body}` : `${status} ${formattedCode} ${body}`
}

/** `+ Ready for literal data\r\n` (RFC 9051 §7.5). */
export function continuationRequest(text = 'Ready for literal data'): string {
  return `+ ${responseText(text)}${CRLF}`
}

/** A SASL challenge, `+ <base64>\r\n` (RFC 9051 §6.2.2); an empty challenge is `+ \r\n`. */
export function saslChallenge(challenge: Uint8Array): string {
  return `+ ${Buffer.from(challenge).toString('base64')}${CRLF}`
}
