// SMTP AUTH wire side: base64 responses, PLAIN messages (RFC 4616), the LOGIN exchange, cancel.
import { describe, expect, test } from 'bun:test'
import { SmtpReplyError } from '../../../src/smtp/protocol/reply-error.ts'
import { formatReply } from '../../../src/smtp/protocol/reply.ts'
import {
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  type LoginState,
  continueLogin,
  startLogin,
} from '../../../src/smtp/protocol/sasl-login.ts'
import { continuePlain, parsePlainMessage, startPlain } from '../../../src/smtp/protocol/sasl-plain.ts'
import { decodeSaslResponse, encodeSaslChallenge } from '../../../src/smtp/protocol/sasl.ts'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

function codeOf(fn: () => unknown): [number, string | null] {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(SmtpReplyError)
    return [(e as SmtpReplyError).reply.code, (e as SmtpReplyError).reply.enhanced]
  }
  throw new Error('expected a rejection')
}

describe('decodeSaslResponse', () => {
  test.each([
    ['padded', 'Zm9vYg==', 'foob'],
    ['unpadded (some clients drop "=")', 'Zm9vYg', 'foob'],
    ['surrounding white space', '  Zm9v  ', 'foo'],
    ['empty line is an empty response', '', ''],
  ])('%s', (_label, line, decoded) => {
    expect(Buffer.from(decodeSaslResponse(line)).toString('utf8')).toBe(decoded)
  })

  test('"=" is the empty initial response (RFC 4954 §4), and only there', () => {
    expect(decodeSaslResponse('=', { initial: true })).toEqual(new Uint8Array(0))
    expect(codeOf(() => decodeSaslResponse('='))).toEqual([501, '5.5.2'])
  })

  test('"*" cancels with 501 5.0.0', () => {
    expect(codeOf(() => decodeSaslResponse('*'))).toEqual([501, '5.0.0'])
    expect(codeOf(() => decodeSaslResponse('*', { initial: true }))).toEqual([501, '5.0.0'])
  })

  test.each(['not base64!', 'Zm9v=Yg==', 'Z', 'Zm9vY', '====', 'Zm 9v'])('malformed %p is 501 5.5.2', line => {
    expect(codeOf(() => decodeSaslResponse(line))).toEqual([501, '5.5.2'])
  })

  test('challenges encode as base64', () => {
    expect(encodeSaslChallenge('Username:')).toBe(LOGIN_USERNAME_CHALLENGE)
    expect(encodeSaslChallenge('Password:')).toBe(LOGIN_PASSWORD_CHALLENGE)
  })
})

describe('AUTH PLAIN', () => {
  test.each([
    ['no authzid', '\0bob\0secret', { authorizationId: '', username: 'bob', password: 'secret' }],
    ['with authzid', 'admin\0bob\0secret', { authorizationId: 'admin', username: 'bob', password: 'secret' }],
    [
      'UTF-8 and spaces',
      '\0jörg@example.de\0pass wörd',
      { authorizationId: '', username: 'jörg@example.de', password: 'pass wörd' },
    ],
  ])('%s', (_label, message, credentials) => {
    expect(parsePlainMessage(new TextEncoder().encode(message))).toEqual(credentials)
    expect(startPlain(b64(message))).toEqual({ kind: 'done', credentials })
    expect(continuePlain(b64(message))).toEqual({ kind: 'done', credentials })
  })

  test('without initial response the server sends an empty challenge "334 "', () => {
    const step = startPlain(null)
    expect(step.kind).toBe('challenge')
    expect(step.kind === 'challenge' && formatReply(step.reply)).toBe('334 \r\n')
  })

  test.each([
    ['one NUL', 'bob\0secret'],
    ['three NULs', '\0bob\0sec\0ret'],
    ['empty user name', '\0\0secret'],
    ['empty password', '\0bob\0'],
    ['nothing at all', ''],
  ])('malformed PLAIN message (%s) is 501 5.5.2', (_label, message) => {
    expect(codeOf(() => startPlain(b64(message) || '='))).toEqual([501, '5.5.2'])
  })

  test('bytes that are not UTF-8 are 501 5.5.2', () => {
    const bad = Buffer.from([0, 0x62, 0, 0xff, 0xfe]).toString('base64')
    expect(codeOf(() => startPlain(bad))).toEqual([501, '5.5.2'])
  })

  test('"*" cancels a PLAIN exchange', () => {
    expect(codeOf(() => continuePlain('*'))).toEqual([501, '5.0.0'])
  })
})

describe('AUTH LOGIN', () => {
  test('full exchange: Username:, Password:, done', () => {
    const first = startLogin(null)
    if (first.kind !== 'challenge') throw new Error('expected a challenge')
    expect(formatReply(first.reply)).toBe('334 VXNlcm5hbWU6\r\n')
    const second = continueLogin(first.state, b64('bob@example.com'))
    if (second.kind !== 'challenge') throw new Error('expected a challenge')
    expect(formatReply(second.reply)).toBe('334 UGFzc3dvcmQ6\r\n')
    expect(continueLogin(second.state, b64('s3cret'))).toEqual({
      kind: 'done',
      credentials: { authorizationId: '', username: 'bob@example.com', password: 's3cret' },
    })
  })

  test('initial response is the user name', () => {
    const step = startLogin(b64('bob'))
    expect(step.kind === 'challenge' && step.state).toEqual({ step: 'password', username: 'bob' })
    expect(step.kind === 'challenge' && formatReply(step.reply)).toBe('334 UGFzc3dvcmQ6\r\n')
  })

  test('empty user name is refused, empty password is left to the password check', () => {
    const start: LoginState = { step: 'username' }
    expect(codeOf(() => continueLogin(start, ''))).toEqual([501, '5.5.2'])
    expect(codeOf(() => startLogin('='))).toEqual([501, '5.5.2'])
    expect(continueLogin({ step: 'password', username: 'bob' }, '')).toEqual({
      kind: 'done',
      credentials: { authorizationId: '', username: 'bob', password: '' },
    })
  })

  test('"*" cancels at either step; garbage is 501 5.5.2', () => {
    expect(codeOf(() => continueLogin({ step: 'username' }, '*'))).toEqual([501, '5.0.0'])
    expect(codeOf(() => continueLogin({ step: 'password', username: 'bob' }, '*'))).toEqual([501, '5.0.0'])
    expect(codeOf(() => continueLogin({ step: 'username' }, '%%%'))).toEqual([501, '5.5.2'])
  })
})
