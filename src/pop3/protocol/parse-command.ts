// One POP3 command line (without its CRLF) → a typed Pop3Command, or a thrown Pop3Error (syntax).
// Pure: no session state, no I/O (RFC 1939 §3, RFC 2449 §3, RFC 5034 §4).
//
// RFC 1939 §3: a keyword of 3 or 4 characters, case-insensitive, then arguments separated by single
// spaces. Lenient where clients are sloppy and it is harmless (runs of spaces, trailing white
// space); strict about numbers, since "RETR 1x" or "DELE -1" must never act on a message.
import type { Pop3Command } from './pop3-command.ts'
import { pop3SyntaxError } from './pop3-error.ts'

// RFC 4422 §3.1: sasl-mech = 1*20mech-char.
const SASL_MECH = /^[A-Za-z0-9_-]{1,20}$/
// RFC 1939 §3: message numbers are decimal; 15 digits stay a safe integer, longer ones cannot exist.
const DIGITS = /^[0-9]+$/
const MAX_DIGITS = 15
const SEPARATOR = /[ \t]+/

/** Parse one command line given without its CRLF. Throws Pop3Error, never anything else. */
export function parsePop3Command(line: string): Pop3Command {
  const trimmed = line.replace(/^[ \t]+/, '')
  const space = trimmed.search(SEPARATOR)
  const keyword = (space < 0 ? trimmed : trimmed.slice(0, space)).toUpperCase()
  const rest = space < 0 ? '' : trimmed.slice(space + 1)
  // PASS takes the rest of the line verbatim: RFC 1939 §7 lets a password contain spaces.
  if (keyword === 'PASS') {
    if (rest === '') throw pop3SyntaxError('PASS needs a password')
    return { name: 'PASS', password: rest }
  }
  const args = rest.trim() === '' ? [] : rest.trim().split(SEPARATOR)
  switch (keyword) {
    case 'USER':
      if (args.length !== 1) throw pop3SyntaxError('USER needs exactly one argument: the user name')
      return { name: 'USER', user: args[0] as string }
    case 'AUTH':
      return parseAuth(args)
    case 'STAT':
    case 'NOOP':
    case 'RSET':
    case 'QUIT':
    case 'CAPA':
    case 'STLS':
      if (args.length !== 0) throw pop3SyntaxError(`${keyword} takes no arguments`)
      return { name: keyword }
    case 'LIST':
    case 'UIDL':
      if (args.length > 1) throw pop3SyntaxError(`${keyword} takes at most one message number`)
      return { name: keyword, msg: args.length === 0 ? null : messageNumber(args[0] as string) }
    case 'RETR':
    case 'DELE':
      if (args.length !== 1) throw pop3SyntaxError(`${keyword} needs exactly one message number`)
      return { name: keyword, msg: messageNumber(args[0] as string) }
    case 'TOP':
      // RFC 1939 §7: TOP msg n, both required; n is a non-negative number of body lines.
      if (args.length !== 2) throw pop3SyntaxError('TOP needs a message number and a line count')
      return { name: 'TOP', msg: messageNumber(args[0] as string), lines: count(args[1] as string) }
    case '':
      throw pop3SyntaxError('empty command')
    default:
      throw pop3SyntaxError('unknown command')
  }
}

function parseAuth(args: readonly string[]): Pop3Command {
  if (args.length === 0) return { name: 'AUTH', mechanism: null, initialResponse: null }
  if (args.length > 2) throw pop3SyntaxError('AUTH takes a mechanism and an optional initial response')
  const mechanism = args[0] as string
  if (!SASL_MECH.test(mechanism)) throw pop3SyntaxError('invalid SASL mechanism name')
  return { name: 'AUTH', mechanism: mechanism.toUpperCase(), initialResponse: args[1] ?? null }
}

/** RFC 1939 §3: a message number, 1 or more; 0 and huge numbers parse and simply never exist. */
function messageNumber(text: string): number {
  if (!DIGITS.test(text)) throw pop3SyntaxError('message number must be a decimal number')
  return toNumber(text)
}

function count(text: string): number {
  if (!DIGITS.test(text)) throw pop3SyntaxError('line count must be a non-negative decimal number')
  return toNumber(text)
}

function toNumber(digits: string): number {
  const significant = digits.replace(/^0+(?=\d)/, '')
  return significant.length > MAX_DIGITS ? Number.MAX_SAFE_INTEGER : Number(significant)
}
