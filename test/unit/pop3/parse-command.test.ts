// The POP3 command parser (RFC 1939 §3-§7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH): a table of
// good lines and their values, a table of bad lines that must be refused with -ERR, never acted on.
import { describe, expect, test } from 'bun:test'
import { parsePop3Command } from '../../../src/pop3/protocol/parse-command.ts'
import type { Pop3Command } from '../../../src/pop3/protocol/pop3-command.ts'
import { Pop3Error } from '../../../src/pop3/protocol/pop3-error.ts'

describe('valid commands', () => {
  test.each<[string, Pop3Command]>([
    ['USER ann@example.test', { name: 'USER', user: 'ann@example.test' }],
    ['user ann', { name: 'USER', user: 'ann' }],
    ['USER  ann  ', { name: 'USER', user: 'ann' }],
    ['PASS secret', { name: 'PASS', password: 'secret' }],
    // RFC 1939 §7: a password may contain spaces; everything after the first space is the password.
    ['PASS correct horse  battery ', { name: 'PASS', password: 'correct horse  battery ' }],
    ['pass x', { name: 'PASS', password: 'x' }],
    ['AUTH', { name: 'AUTH', mechanism: null, initialResponse: null }],
    ['AUTH plain', { name: 'AUTH', mechanism: 'PLAIN', initialResponse: null }],
    ['AUTH PLAIN AGFubgBzZWNyZXQ=', { name: 'AUTH', mechanism: 'PLAIN', initialResponse: 'AGFubgBzZWNyZXQ=' }],
    ['AUTH LOGIN =', { name: 'AUTH', mechanism: 'LOGIN', initialResponse: '=' }],
    ['AUTH X-UNKNOWN', { name: 'AUTH', mechanism: 'X-UNKNOWN', initialResponse: null }],
    ['STAT', { name: 'STAT' }],
    ['stat', { name: 'STAT' }],
    ['STAT ', { name: 'STAT' }],
    ['LIST', { name: 'LIST', msg: null }],
    ['LIST 2', { name: 'LIST', msg: 2 }],
    ['LIST 0', { name: 'LIST', msg: 0 }],
    ['LIST 007', { name: 'LIST', msg: 7 }],
    ['LIST 99999999999999999999', { name: 'LIST', msg: Number.MAX_SAFE_INTEGER }],
    ['RETR 1', { name: 'RETR', msg: 1 }],
    ['Retr\t12', { name: 'RETR', msg: 12 }],
    ['DELE 3', { name: 'DELE', msg: 3 }],
    ['NOOP', { name: 'NOOP' }],
    ['RSET', { name: 'RSET' }],
    ['QUIT', { name: 'QUIT' }],
    ['TOP 1 0', { name: 'TOP', msg: 1, lines: 0 }],
    ['TOP 1 10', { name: 'TOP', msg: 1, lines: 10 }],
    ['UIDL', { name: 'UIDL', msg: null }],
    ['UIDL 5', { name: 'UIDL', msg: 5 }],
    ['CAPA', { name: 'CAPA' }],
    ['STLS', { name: 'STLS' }],
    ['  NOOP', { name: 'NOOP' }],
  ])('%p', (line, expected) => {
    expect(parsePop3Command(line)).toEqual(expected)
  })
})

describe('malformed commands', () => {
  test.each<[string, RegExp]>([
    ['', /empty/],
    ['   ', /empty/],
    ['HELO there', /unknown command/],
    ['APOP ann c4c9334bac560ecc979e58001b3e22fb', /unknown command/],
    ['RETRX 1', /unknown command/],
    ['XTND XMIT', /unknown command/],
    ['GET / HTTP/1.1', /unknown command/],
    ['USER', /exactly one argument/],
    ['USER a b', /exactly one argument/],
    ['PASS', /needs a password/],
    ['PASS ', /needs a password/],
    ['RETR', /exactly one message number/],
    ['RETR 1 2', /exactly one message number/],
    ['RETR one', /decimal/],
    ['RETR -1', /decimal/],
    ['RETR +1', /decimal/],
    ['RETR 1x', /decimal/],
    ['RETR 1.5', /decimal/],
    ['RETR ١', /decimal/],
    ['DELE', /exactly one message number/],
    ['DELE 0x1', /decimal/],
    ['LIST a', /decimal/],
    ['LIST 1 2', /at most one/],
    ['UIDL x', /decimal/],
    ['TOP', /message number and a line count/],
    ['TOP 1', /message number and a line count/],
    ['TOP 1 -1', /non-negative/],
    ['TOP 1 x', /non-negative/],
    ['TOP x 1', /decimal/],
    ['TOP 1 2 3', /message number and a line count/],
    ['STAT 1', /takes no arguments/],
    ['NOOP x', /takes no arguments/],
    ['QUIT now', /takes no arguments/],
    ['STLS please', /takes no arguments/],
    ['CAPA x', /takes no arguments/],
    ['AUTH PLAIN a b', /mechanism and an optional/],
    ['AUTH PL@IN', /invalid SASL mechanism/],
    ['AUTH ABCDEFGHIJKLMNOPQRSTU', /invalid SASL mechanism/],
  ])('%p', (line, message) => {
    let thrown: unknown
    try {
      parsePop3Command(line)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(Pop3Error)
    const error = thrown as Pop3Error
    expect(error.kind).toBe('syntax')
    expect(error.countsAsError).toBe(true)
    expect(error.message).toMatch(message)
  })
})
