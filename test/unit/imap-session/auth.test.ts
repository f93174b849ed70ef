// LOGIN and AUTHENTICATE (PLAIN, LOGIN, SASL-IR): the TLS requirement, failures, throttling and
// the metrics.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { ImapSession } from '../../../src/imap/session/imap-session.ts'
import { createCommandRegistry } from '../../../src/imap/commands/registry.ts'
import { MemoryTransport } from '../../../src/net/memory-transport.ts'
import { ANN, type ImapFixture, ImapTestClient, TEST_SETTINGS, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

const b64 = (text: string) => Buffer.from(text).toString('base64')
const secure = () => {
  const c = f.connect({ transport: { secure: true } })
  c.take()
  return c
}

describe('before TLS', () => {
  test('LOGIN is refused with NO [PRIVACYREQUIRED] and the session stays usable', async () => {
    const c = f.connect()
    c.take()
    expect(await c.send(`a1 LOGIN ${ANN.email} "${ANN.password}"`)).toMatch(/^a1 NO \[PRIVACYREQUIRED\] /)
    expect(c.session.state).toBe('not-authenticated')
    expect(await c.send('a2 NOOP')).toBe('a2 OK NOOP completed\r\n')
  })

  test('AUTHENTICATE PLAIN too', async () => {
    const c = f.connect()
    c.take()
    const reply = await c.send(`a1 AUTHENTICATE PLAIN ${b64(`\0${ANN.email}\0${ANN.password}`)}`)
    expect(reply).toMatch(/^a1 NO \[PRIVACYREQUIRED\] /)
  })

  test('imap.allowInsecureAuth allows it', async () => {
    const c = f.connect({ settings: { allowInsecureAuth: true } })
    c.take()
    expect(await c.send(`a1 LOGIN ${ANN.email} "${ANN.password}"`)).toMatch(/^a1 OK \[CAPABILITY /)
  })
})

describe('LOGIN', () => {
  test('wrong password: NO [AUTHENTICATIONFAILED], counted in auth_failures_total{protocol="imap"}', async () => {
    const before = f.metrics.authFailures.get({ protocol: 'imap' })
    const c = secure()
    expect(await c.send(`a1 LOGIN ${ANN.email} wrong`)).toBe('a1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n')
    expect(await c.send('a2 LOGIN nobody@example.test wrong')).toStartWith('a2 NO [AUTHENTICATIONFAILED]')
    expect(f.metrics.authFailures.get({ protocol: 'imap' })).toBe(before + 2)
    expect(c.session.state).toBe('not-authenticated')
  })

  test('failed logins count towards imap.maxErrors', async () => {
    const c = f.connect({ transport: { secure: true }, settings: { maxErrors: 2 } })
    c.take()
    await c.send(`a1 LOGIN ${ANN.email} wrong`)
    const reply = await c.send(`a2 LOGIN ${ANN.email} wrong`)
    expect(reply).toContain('* BYE Too many invalid commands or failed logins')
    expect(c.closed).toBe(true)
  })

  test('throttled logins answer NO [ALERT] without checking the password', async () => {
    const throttle = createLoginThrottle({ clock: f.clock, failuresBeforeThrottle: 1 })
    const transport = new MemoryTransport({ secure: true })
    const session = transport.attach(
      t =>
        new ImapSession(t, {
          settings: TEST_SETTINGS,
          storage: f.storage,
          throttle,
          metrics: f.metrics,
          recent: f.recent,
          commands: createCommandRegistry(),
        }),
    )
    const c = new ImapTestClient(transport, session)
    c.take()
    await c.send(`a1 LOGIN ${ANN.email} wrong`)
    expect(await c.send(`a2 LOGIN ${ANN.email} "${ANN.password}"`)).toMatch(
      /^a2 NO \[ALERT\] Too many failed logins; try again in \d+ seconds\r\n$/,
    )
  })
})

describe('AUTHENTICATE', () => {
  test('PLAIN with SASL-IR in one round trip', async () => {
    const c = secure()
    const reply = await c.send(`a1 AUTHENTICATE PLAIN ${b64(`\0${ANN.email}\0${ANN.password}`)}`)
    expect(reply).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 .*\] Logged in\r\n$/)
    expect(c.session.user?.email).toBe(ANN.email)
    expect(c.session.state).toBe('authenticated')
  })

  test('PLAIN with an authzid equal to the user', async () => {
    const c = secure()
    const reply = await c.send(`a1 AUTHENTICATE PLAIN ${b64(`${ANN.email}\0${ANN.email}\0${ANN.password}`)}`)
    expect(reply).toStartWith('a1 OK')
  })

  test('PLAIN after an empty challenge', async () => {
    const c = secure()
    expect(await c.send('a1 AUTHENTICATE PLAIN')).toBe('+ \r\n')
    expect(await c.send(b64(`\0${ANN.email}\0${ANN.password}`))).toStartWith('a1 OK [CAPABILITY ')
  })

  test('LOGIN asks for the user name, then the password', async () => {
    const c = secure()
    expect(await c.send('a1 AUTHENTICATE LOGIN')).toBe(`+ ${b64('Username:')}\r\n`)
    expect(await c.send(b64(ANN.email))).toBe(`+ ${b64('Password:')}\r\n`)
    expect(await c.send(b64(ANN.password))).toStartWith('a1 OK [CAPABILITY ')
  })

  test('LOGIN with the user name as initial response', async () => {
    const c = secure()
    expect(await c.send(`a1 AUTHENTICATE LOGIN ${b64(ANN.email)}`)).toBe(`+ ${b64('Password:')}\r\n`)
    expect(await c.send(b64(ANN.password))).toStartWith('a1 OK')
  })

  test.each([
    ['"*" cancels with BAD', ['a1 AUTHENTICATE PLAIN', '*'], /^a1 BAD Authentication cancelled/],
    ['invalid base64 is BAD', ['a1 AUTHENTICATE PLAIN', '!!!'], /^a1 BAD Invalid base64/],
    ['a malformed PLAIN message is BAD', [`a1 AUTHENTICATE PLAIN ${b64('no-nuls')}`], /^a1 BAD PLAIN response must be/],
    ['an empty SASL-IR is malformed for PLAIN', ['a1 AUTHENTICATE PLAIN ='], /^a1 BAD /],
    [
      'an unknown mechanism is NO',
      ['a1 AUTHENTICATE CRAM-MD5'],
      /^a1 NO \[CANNOT\] Unsupported authentication mechanism/,
    ],
    [
      'a wrong password is NO',
      [`a1 AUTHENTICATE PLAIN ${b64(`\0${ANN.email}\0nope`)}`],
      /^a1 NO \[AUTHENTICATIONFAILED\]/,
    ],
    [
      'acting as someone else is refused',
      [`a1 AUTHENTICATE PLAIN ${b64(`bob@example.test\0${ANN.email}\0${ANN.password}`)}`],
      /^a1 NO \[AUTHENTICATIONFAILED\]/,
    ],
  ])('%s', async (_name, input, expected) => {
    const c = secure()
    let reply = ''
    for (const line of input) reply = await c.send(line)
    expect(reply).toMatch(expected)
    expect(c.session.state).toBe('not-authenticated')
    expect(lines(await c.send('z1 NOOP'))).toEqual(['z1 OK NOOP completed'])
  })

  test('a client closing during the exchange leaves nothing behind', async () => {
    const c = secure()
    expect(await c.send('a1 AUTHENTICATE LOGIN')).toStartWith('+ ')
    c.transport.clientClose()
    await c.settle()
    expect(c.closed).toBe(true)
    expect(c.session.state).toBe('logout')
  })
})
