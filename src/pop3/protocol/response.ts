// Status lines and multi-line responses (RFC 1939 §3). Every line ends with CRLF; a multi-line
// response ends with a line holding only "."; lines of it starting with "." are byte-stuffed.
import type { Pop3ResponseCode } from './pop3-error.ts'

/** `+OK text` (text may be empty: `+OK`). */
export function okLine(text = ''): string {
  return text === '' ? '+OK\r\n' : `+OK ${sanitize(text)}\r\n`
}

/** `-ERR [CODE] text` (RFC 2449 §8: the response code comes first, in brackets). */
export function errLine(text: string, code: Pop3ResponseCode | null = null): string {
  return code === null ? `-ERR ${sanitize(text)}\r\n` : `-ERR [${code}] ${sanitize(text)}\r\n`
}

/** `+OK text`, the lines (dot-stuffed), and the terminating ".". For short lists (CAPA, LIST, UIDL). */
export function multiLine(status: string, lines: readonly string[]): string {
  let out = okLine(status)
  for (const line of lines) out += `${line.startsWith('.') ? '.' : ''}${sanitize(line)}\r\n`
  return `${out}.\r\n`
}

/** No CR or LF inside a line: text that names user input must never split the response. */
function sanitize(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}
