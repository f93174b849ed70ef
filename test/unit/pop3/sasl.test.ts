// POP3 SASL (RFC 5034 §4): PLAIN (RFC 4616) and LOGIN with and without initial responses, "=" for
// an empty initial response, "*" to cancel, and malformed responses.
import { describe, expect, test } from 'bun:test'
import { Pop3Error } from '../../../src/pop3/protocol/pop3-error.ts'
import {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  challengeLine,
  continueSasl,
  startSasl,
} from '../../../src/pop3/protocol/sasl.ts'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

function thrown(fn: () => unknown): Pop3Error {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(Pop3Error)
    return e as Pop3Error
  }
  throw new Error('expected a Pop3Error')
}

describe('PLAIN', () => {
  test('initial response completes at once', () => {
    expect(startSasl('PLAIN', b64('\0ann@example.test\0s3cret pw'))).toEqual({
      kind: 'done',
      credentials: { authorizationId: '', username: 'ann@example.test', password: 's3cret pw' },
    })
  })

  test('without initial response: empty challenge, then the message', () => {
    const first = startSasl('PLAIN', null)
    expect(first).toEqual({ kind: 'challenge', challenge: '', exchange: { mechanism: 'PLAIN' } })
    expect(challengeLine('')).toBe('+ \r\n')
    if (first.kind !== 'challenge') throw new Error('unreachable')
    expect(continueSasl(first.exchange, b64('ann\0ann\0pw'))).toEqual({
      kind: 'done',
      credentials: { authorizationId: 'ann', username: 'ann', password: 'pw' },
    })
  })

  test.each<[string, string | null, RegExp]>([
    ['not base64', '!!!', /base64/],
    ['one field', b64('annpw'), /authzid NUL authcid NUL password/],
    ['four fields', b64('a\0b\0c\0d'), /authzid NUL authcid NUL password/],
    ['empty user', b64('\0\0pw'), /must not be empty/],
    ['empty password', b64('\0ann\0'), /must not be empty/],
    ['not UTF-8', Buffer.from([0, 0x61, 0, 0xff, 0xfe]).toString('base64'), /UTF-8/],
    ['"=" is an empty message', '=', /authzid NUL authcid NUL password/],
    ['length 4n+1', 'AAAAA', /base64/],
  ])('%s', (_name, response, message) => {
    const error = thrown(() => startSasl('PLAIN', response))
    expect(error.kind).toBe('syntax')
    expect(error.message).toMatch(message)
  })

  test('"*" cancels and is not counted as a protocol error', () => {
    const error = thrown(() => continueSasl({ mechanism: 'PLAIN' }, '*'))
    expect(error.message).toMatch(/cancelled/)
    expect(error.countsAsError).toBe(false)
  })
})

describe('LOGIN', () => {
  test('username and password challenges', () => {
    const first = startSasl('LOGIN', null)
    expect(first).toEqual({
      kind: 'challenge',
      challenge: LOGIN_USERNAME_CHALLENGE,
      exchange: { mechanism: 'LOGIN', step: 'username' },
    })
    if (first.kind !== 'challenge') throw new Error('unreachable')
    const second = continueSasl(first.exchange, b64('ann@example.test'))
    expect(second).toEqual({
      kind: 'challenge',
      challenge: LOGIN_PASSWORD_CHALLENGE,
      exchange: { mechanism: 'LOGIN', step: 'password', username: 'ann@example.test' },
    })
    if (second.kind !== 'challenge') throw new Error('unreachable')
    expect(continueSasl(second.exchange, b64('pw with spaces'))).toEqual({
      kind: 'done',
      credentials: { authorizationId: '', username: 'ann@example.test', password: 'pw with spaces' },
    })
  })

  test('initial response is the user name', () => {
    expect(startSasl('LOGIN', b64('ann'))).toEqual({
      kind: 'challenge',
      challenge: LOGIN_PASSWORD_CHALLENGE,
      exchange: { mechanism: 'LOGIN', step: 'password', username: 'ann' },
    })
  })

  test('empty user name is refused', () => {
    expect(thrown(() => startSasl('LOGIN', '=')).message).toMatch(/must not be empty/)
  })

  test('padding may be missing', () => {
    const step = continueSasl({ mechanism: 'LOGIN', step: 'username' }, b64('ab').replace(/=+$/, ''))
    expect(step.kind).toBe('challenge')
  })
})
