// Streaming mbox reader (RFC 4155; the mboxrd variant of quoting). The file is read chunk by chunk
// and each message is handed out as soon as its end is seen, so memory holds one message at a time.
//
// Separators: a line starting with `From ` begins a message when it follows an empty line (or
// starts the file), or — for writers that leave no empty line — when it carries a time of day
// like every real separator does. mboxrd quoting is undone: `>From `, `>>From `, … lose one `>`
// (an mboxo file reads the same way except for body lines that really began with `>From `).
// The empty line a writer puts after each message belongs to the separator and is dropped.
//
// Problems are reported with 1-based line numbers and the reader goes on with the next message:
//   - text before the first separator (the file does not start with `From `);
//   - a message whose first line is not a header field, or whose header block breaks off at a line
//     that is neither a field nor a continuation (RFC 5322 §2.2);
//   - an empty message;
//   - a message cut off by the end of the file in the middle of a line (truncated copy);
//   - a message larger than `maxMessageBytes`.
import { headerBlock } from '../storage/envelope/parse-envelope.ts'
import { concatBytes } from './concat-bytes.ts'
import { type FromLine, looksLikeFromLine, parseFromLine } from './mbox-from-line.ts'

export interface MboxMessage {
  kind: 'message'
  /** Line number of the separator line. */
  line: number
  from: FromLine
  /**
   * The message as stored in the file, unquoted, without the separator; line ends unchanged, or
   * CRLF with the `crlf` option.
   */
  content: Uint8Array
}

export interface MboxProblem {
  kind: 'problem'
  line: number
  message: string
}

export type MboxEvent = MboxMessage | MboxProblem

export interface ReadMboxOptions {
  /** Messages above this size are skipped and reported (default 256 MiB). */
  maxMessageBytes?: number
  /**
   * Hand out messages with CRLF line ends (each bare LF becomes CRLF, as toCrlf does): each line
   * is copied with its new line end as it is read, which costs less than joining the lines and
   * converting the message afterwards (two more passes over it).
   */
  crlf?: boolean
}

const LF = 0x0a
const CR = 0x0d
const GT = 0x3e

interface Pending {
  line: number
  from: FromLine
  parts: Uint8Array[]
  bytes: number
  tooBig: boolean
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')

/** An RFC 5322 §2.2 field line: printable ASCII except ':' for the name, then ':'. */
function isFieldLine(text: string): boolean {
  return /^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(text)
}

export async function* readMbox(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadMboxOptions = {},
): AsyncGenerator<MboxEvent> {
  const maxBytes = options.maxMessageBytes ?? 256 * 2 ** 20
  const out: MboxEvent[] = []
  let lineNo = 0
  let prevBlank = true
  let current: Pending | null = null
  let garbage: { first: number; last: number } | null = null

  const flushGarbage = () => {
    if (!garbage) return
    const range = garbage.first === garbage.last ? `line ${garbage.first}` : `lines ${garbage.first}–${garbage.last}`
    out.push({ kind: 'problem', line: garbage.first, message: `no "From " line before it: ${range} skipped` })
    garbage = null
  }

  const finish = (pending: Pending, truncated: boolean) => {
    const skipped = `message at line ${pending.line} skipped`
    if (pending.tooBig) {
      out.push({ kind: 'problem', line: pending.line, message: `larger than ${maxBytes} bytes: ${skipped}` })
      return
    }
    if (truncated) {
      out.push({
        kind: 'problem',
        line: lineNo,
        message: `the file ends in the middle of line ${lineNo} (truncated): ${skipped}`,
      })
      return
    }
    const content = converted ? takeConverted(converted) : concatBytes(pending.parts)
    // The writer's empty line after the message belongs to the separator.
    let length = content.length
    if (length > 0 && content[length - 1] === LF) {
      if (length >= 2 && content[length - 2] === LF) length -= 1
      else if (length >= 3 && content[length - 2] === CR && content[length - 3] === LF) length -= 2
    }
    const problem = headerProblem(content.subarray(0, length), pending.line)
    if (problem) {
      out.push({ kind: 'problem', line: problem.line, message: `${problem.why}: ${skipped}` })
      return
    }
    out.push({ kind: 'message', line: pending.line, from: pending.from, content: content.subarray(0, length) })
  }

  /**
   * One line: `buf[start, end)` without its LF; `next` is where the following line starts (end + 1,
   * or end for a last line without LF). A message's lines are kept as runs of consecutive lines of
   * one chunk (`run`), so a message costs a few views, not one per line.
   */
  let run: { buf: Uint8Array; start: number; end: number } | null = null
  /**
   * With `crlf`: messages are converted line by line into large blocks, each message behind the
   * previous one and handed out as a view of its block (no array of its own per message); `start`
   * is where the current message begins, `length` how far it got.
   */
  const converted = options.crlf ? { block: new Uint8Array(BLOCK_BYTES), start: 0, length: 0 } : null
  const convertLine = (to: Converted, buf: Uint8Array, start: number, end: number, lf: boolean) => {
    const needed = to.start + to.length + (end - start) + 2
    if (needed > to.block.length) {
      // A fresh block, with the message so far moved to its start; earlier messages keep the old one.
      const block = new Uint8Array(Math.max(BLOCK_BYTES, 2 * (to.length + (end - start) + 2)))
      block.set(to.block.subarray(to.start, to.start + to.length))
      to.block = block
      to.start = 0
    }
    // Buffer's copy takes offsets instead of a view per line (a Uint8Array `this` is fine).
    let at = to.start + to.length
    at += Buffer.prototype.copy.call(buf, to.block, at, start, end)
    if (lf) {
      if (end === start || buf[end - 1] !== CR) to.block[at++] = CR
      to.block[at++] = LF
    }
    to.length = at - to.start
  }
  const closeRun = () => {
    if (run && current && !current.tooBig && run.end > run.start)
      current.parts.push(run.buf.subarray(run.start, run.end))
    run = null
  }
  const handle = (buf: Uint8Array, start: number, end: number, next: number) => {
    lineNo++
    const length = end - start
    const from = buf[start] === 0x46 && length >= 5 && startsWithFromAt(buf, start)
    if (from && (prevBlank || looksLikeFromLine(latin1(buf.subarray(start, end))))) {
      closeRun()
      if (current) finish(current, false)
      flushGarbage()
      current = {
        line: lineNo,
        from: parseFromLine(latin1(buf.subarray(start, end))),
        parts: [],
        bytes: 0,
        tooBig: false,
      }
      if (converted) {
        converted.start += converted.length
        converted.length = 0
      }
      prevBlank = false
      return
    }
    const blank = length === 0 || (length === 1 && buf[start] === CR)
    prevBlank = blank
    if (!current) {
      if (!blank) {
        if (garbage) garbage.last = lineNo
        else garbage = { first: lineNo, last: lineNo }
      }
      return
    }
    if (current.tooBig) return
    current.bytes += next - start
    if (current.bytes > maxBytes) {
      current.tooBig = true
      current.parts = []
      run = null
      return
    }
    // mboxrd: `>From `, `>>From `, … lose their first '>'.
    const quoted = buf[start] === GT && isQuotedFromAt(buf, start, end)
    const lineStart = quoted ? start + 1 : start
    if (quoted) current.bytes--
    if (converted) convertLine(converted, buf, lineStart, end, next > end)
    else if (run && run.buf === buf && run.end === lineStart) run.end = next
    else {
      closeRun()
      run = { buf, start: lineStart, end: next }
    }
  }

  let carry: Uint8Array[] = []
  for await (const chunk of chunks) {
    let start = 0
    let lf = chunk.indexOf(LF)
    if (lf >= 0 && carry.length > 0) {
      const whole = concatBytes([...carry, chunk.subarray(0, lf + 1)])
      carry = []
      handle(whole, 0, whole.length - 1, whole.length)
      start = lf + 1
      lf = chunk.indexOf(LF, start)
    }
    while (lf >= 0) {
      // Views into the chunk (streams hand out fresh chunks); finish() copies a message into one array.
      handle(chunk, start, lf, lf + 1)
      start = lf + 1
      lf = chunk.indexOf(LF, start)
    }
    if (start < chunk.length) carry.push(chunk.slice(start))
    for (const event of out) yield event
    out.length = 0
  }
  if (carry.length > 0) {
    const rest = concatBytes(carry)
    handle(rest, 0, rest.length, rest.length)
    closeRun()
    if (current) {
      finish(current, true)
      current = null
    }
  }
  closeRun()
  if (current) finish(current, false)
  flushGarbage()
  for (const event of out) yield event
}

/** Bytes per block of converted messages (crlf option); a larger message gets a block of its own size. */
const BLOCK_BYTES = 1 << 20

interface Converted {
  block: Uint8Array
  start: number
  length: number
}

/** The finished message as a view of its block; the next one starts behind it. */
function takeConverted(to: Converted): Uint8Array {
  const message = to.block.subarray(to.start, to.start + to.length)
  to.start += to.length
  to.length = 0
  return message
}

function startsWithFromAt(buf: Uint8Array, at: number): boolean {
  return (
    buf[at] === 0x46 && buf[at + 1] === 0x72 && buf[at + 2] === 0x6f && buf[at + 3] === 0x6d && buf[at + 4] === 0x20
  )
}

/** `>From `, `>>From `, …: the mboxrd-quoted form of a body line starting with `From `. */
function isQuotedFromAt(buf: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end && buf[i] === GT) i++
  return i > start && end - i >= 5 && startsWithFromAt(buf, i)
}

/** First structural defect of the header block, with its line number in the file. */
function headerProblem(content: Uint8Array, separatorLine: number): { line: number; why: string } | null {
  const text = latin1(headerBlock(content))
  if (text.length === 0 || /^\r?\n/.test(text)) return { line: separatorLine, why: 'empty message or no header fields' }
  let pos = 0
  let n = separatorLine
  while (pos < text.length) {
    n++
    const lf = text.indexOf('\n', pos)
    const line = text.slice(pos, lf < 0 ? text.length : lf).replace(/\r$/, '')
    if (line === '') return null
    const continuation = line.startsWith(' ') || line.startsWith('\t')
    if (!(continuation && n > separatorLine + 1) && !isFieldLine(line))
      return { line: n, why: n === separatorLine + 1 ? 'not a header field' : 'header block breaks off (not a field)' }
    if (lf < 0) break
    pos = lf + 1
  }
  return null
}
