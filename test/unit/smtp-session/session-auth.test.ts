// AUTH (RFC 4954) PLAIN and LOGIN against real storage: success, failure, cancel, malformed
// responses, throttling with exponential back-off (454 4.7.0), and where AUTH is (not) offered.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { createLogger } from '../../../src/core/logger.ts'
import { ANN, type AccountStorage, DAN, accountStorage } from './support/account-storage.ts'
import { MemoryPipeline } from './support/memory-pipeline.ts'
import { b64, openSession } from './support/session-harness.ts'

let fixture: AccountStorage
beforeAll(async () => {
  fixture = await accountStorage()
})
afterAll(() => fixture?.cleanup())

const plain = (user: string, password: string, authzid = '') => b64(`${authzid}\0${user}\0${password}`)

/** A submission session over (simulated) TLS that has said EHLO. */
async function submission(options: Parameters<typeof openSession>[0] = {}) {
  const h = openSession({
    port: 'submission',
    accounts: fixture.storage.accounts,
    transport: { secure: true },
    ...options,
  })
  const ehlo = await h.send('EHLO client.example')
  expect(ehlo).toContain('250-AUTH PLAIN LOGIN\r\n')
  return h
}

describe('AUTH PLAIN', () => {
  test('initial response: 235, then MAIL is allowed and the pipeline sees the account', async () => {
    const pipeline = new MemoryPipeline()
    const h = await submission({ pipeline })
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toBe('235 2.7.0 Authentication successful\r\n')
    expect(await h.send('MAIL FROM:<ann@example.test>')).toStartWith('250 ')
    const account = await fixture.storage.accounts.get(ANN.email)
    expect(pipeline.contexts[0]?.auth).toEqual({ accountId: account?.id ?? -1, email: ANN.email })
    // Relaying is the pipeline's decision; the fake allows it for authenticated clients.
    expect(await h.send('RCPT TO:<someone@elsewhere.test>')).toStartWith('250 ')
  })

  test('empty challenge, then the response', async () => {
    const h = await submission()
    expect(await h.send('AUTH PLAIN')).toBe('334 \r\n')
    expect(await h.send(plain(ANN.email, ANN.password))).toStartWith('235 ')
  })

  test('after success: AUTH no longer offered, a second AUTH → 503', async () => {
    const h = await submission()
    await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)
    expect(await h.send('EHLO client.example')).not.toContain('AUTH')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('503 5.5.1')
  })

  test.each([
    ['wrong password', plain(ANN.email, 'wrong')],
    ['unknown user', plain('nobody@example.test', 'whatever')],
    ['disabled account', plain(DAN.email, DAN.password)],
    ['authzid of another user', plain(ANN.email, ANN.password, 'bob@example.test')],
  ])('%s → 535 5.7.8, counted', async (_name, response) => {
    const h = await submission()
    expect(await h.send(`AUTH PLAIN ${response}`)).toBe('535 5.7.8 Authentication credentials invalid\r\n')
    expect(h.registry.counter('auth_failures_total', '').get({ protocol: 'smtp' })).toBe(1)
    expect(await h.send('MAIL FROM:<ann@example.test>')).toStartWith('530 5.7.0')
  })

  test('"*" cancels with 501; malformed base64 → 501 5.5.2; the session goes on', async () => {
    const h = await submission()
    expect(await h.send('AUTH PLAIN')).toBe('334 \r\n')
    expect(await h.send('*')).toStartWith('501 5.0.0')
    expect(await h.send('AUTH PLAIN not*base64')).toStartWith('501 5.5.2')
    expect(await h.send(`AUTH PLAIN ${b64('no-nul-separators')}`)).toStartWith('501 5.5.2')
    expect(await h.send('NOOP')).toStartWith('250 ')
  })
})

describe('AUTH LOGIN', () => {
  test('user name and password challenges', async () => {
    const h = await submission()
    expect(await h.send('AUTH LOGIN')).toBe('334 VXNlcm5hbWU6\r\n')
    expect(await h.send(b64(ANN.email))).toBe('334 UGFzc3dvcmQ6\r\n')
    expect(await h.send(b64(ANN.password))).toStartWith('235 2.7.0')
  })

  test('user name as initial response', async () => {
    const h = await submission()
    expect(await h.send(`AUTH LOGIN ${b64(ANN.email)}`)).toBe('334 UGFzc3dvcmQ6\r\n')
    expect(await h.send(b64('nope'))).toStartWith('535 5.7.8')
  })

  test('cancel at the password step', async () => {
    const h = await submission()
    await h.send('AUTH LOGIN')
    await h.send(b64(ANN.email))
    expect(await h.send('*')).toStartWith('501 5.0.0')
    expect(await h.send('NOOP')).toStartWith('250 ')
  })
})

describe('AUTH rules', () => {
  test('unknown mechanism → 504 5.5.4', async () => {
    const h = await submission()
    expect(await h.send('AUTH CRAM-MD5')).toStartWith('504 5.5.4')
  })

  test('AUTH before EHLO, and during a transaction → 503', async () => {
    const h = openSession({ port: 'submission', accounts: fixture.storage.accounts, transport: { secure: true } })
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('503 5.5.1')
    const trap = openSession({
      port: 'submission',
      settings: { trap: true },
      accounts: fixture.storage.accounts,
      transport: { secure: true },
    })
    await trap.send('EHLO client.example')
    await trap.send('MAIL FROM:<x@remote.test>')
    expect(await trap.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('503 5.5.1')
  })

  test('not offered on MX; AUTH there → 503', async () => {
    const h = openSession({ port: 'mx', accounts: fixture.storage.accounts, transport: { secure: true } })
    expect(await h.send('EHLO client.example')).not.toContain('AUTH')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('503 5.5.1')
  })

  test('submission without TLS: AUTH not offered, AUTH → 538, MAIL → 530 "STARTTLS first"', async () => {
    const h = openSession({ port: 'submission', accounts: fixture.storage.accounts })
    const ehlo = await h.send('EHLO client.example')
    expect(ehlo).toContain('STARTTLS')
    expect(ehlo).not.toContain('AUTH')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('538 5.7.11')
    expect(await h.send('MAIL FROM:<ann@example.test>')).toBe('530 5.7.0 Must issue a STARTTLS command first\r\n')
  })

  test('submission over TLS without AUTH: MAIL → 530 5.7.0 Authentication required', async () => {
    const h = await submission()
    expect(await h.send('MAIL FROM:<ann@example.test>')).toBe('530 5.7.0 Authentication required\r\n')
  })

  test('smtp.allowInsecureAuth: AUTH offered and accepted in plaintext', async () => {
    const h = openSession({
      port: 'submission',
      settings: { allowInsecureAuth: true },
      accounts: fixture.storage.accounts,
    })
    expect(await h.send('EHLO client.example')).toContain('AUTH PLAIN LOGIN')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('235 ')
  })

  test('the password never reaches the log', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'debug', format: 'json', sink: line => lines.push(line) })
    const h = await submission({ transport: { secure: true, logger } })
    await h.send(`AUTH PLAIN ${plain(ANN.email, 'Wr0ng-Pa55')}`)
    await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)
    const log = lines.join('\n')
    expect(log).toContain('login failed')
    expect(log).toContain('login succeeded')
    expect(log).toContain(ANN.email)
    expect(log).not.toContain('Wr0ng-Pa55')
    expect(log).not.toContain(ANN.password)
  })
})

describe('throttling', () => {
  test('after N failures: 454 4.7.0 even with the right password, back-off doubles, success resets', async () => {
    const clock = manualClock()
    const throttle = createLoginThrottle({ clock, failuresBeforeThrottle: 2, baseDelayMs: 1000 })
    const h = await submission({ throttle })
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, 'bad1')}`)).toStartWith('535 ')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, 'bad2')}`)).toStartWith('535 ')
    // Two failures: refused for 1 s, without checking the password.
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toBe(
      '454 4.7.0 Too many failed logins, try again in 1 seconds\r\n',
    )
    clock.advance(1000)
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, 'bad3')}`)).toStartWith('535 ')
    // Three failures: 2 s.
    clock.advance(1999)
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('454 4.7.0')
    clock.advance(1)
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('235 ')
    expect(h.registry.counter('smtp_rejections_total', '').get({ port: 'submission', reason: 'auth_throttled' })).toBe(
      2,
    )
    // The success reset the account's counter but not the address's: one more failure from this
    // address (4 in all) blocks it for 4 s, whatever the account.
    const other = await submission({ throttle })
    expect(await other.send(`AUTH PLAIN ${plain('nobody@example.test', 'x')}`)).toStartWith('535 ')
    expect(await other.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('454 4.7.0')
    const elsewhere = await submission({ throttle, transport: { secure: true, remoteAddress: '192.0.2.9' } })
    expect(await elsewhere.send(`AUTH PLAIN ${plain(ANN.email, ANN.password)}`)).toStartWith('235 ')
  })

  test('failed logins count towards smtp.maxErrors', async () => {
    const throttle = createLoginThrottle({ clock: manualClock(), failuresBeforeThrottle: 100 })
    const h = await submission({ throttle, settings: { maxErrors: 2 } })
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, 'x')}`)).toStartWith('535 ')
    expect(await h.send(`AUTH PLAIN ${plain(ANN.email, 'y')}`)).toStartWith('421 4.7.0')
    expect(h.transport.closed).toBe(true)
  })
})
