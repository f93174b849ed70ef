// Connection states, greeting and capabilities, dispatch errors (BAD/NO), literals, the error limit,
// LOGOUT and autologout.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { syntaxError, temporaryError, userError } from '../../../src/core/errors.ts'
import { ANY_STATE, defineCommand } from '../../../src/imap/session/command-context.ts'
import { type ImapFixture, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

describe('greeting and CAPABILITY', () => {
  test('plain port before TLS: STARTTLS and LOGINDISABLED, no AUTH=', async () => {
    const c = f.connect()
    const greeting = c.take()
    expect(greeting).toStartWith('* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ')
    expect(greeting).toContain(' STARTTLS LOGINDISABLED]')
    expect(greeting).not.toContain('AUTH=')
    expect(greeting).toEndWith('imap.example.test IMAP4rev2 server ready\r\n')
    const reply = await c.send('a1 CAPABILITY')
    expect(lines(reply)).toEqual([
      expect.stringMatching(/^\* CAPABILITY IMAP4rev1 .*STARTTLS LOGINDISABLED$/),
      'a1 OK CAPABILITY completed',
    ])
  })

  test('implicit TLS: AUTH=PLAIN AUTH=LOGIN, no STARTTLS', async () => {
    const c = f.connect({ transport: { secure: true } })
    const greeting = c.take()
    expect(greeting).toContain('AUTH=PLAIN AUTH=LOGIN')
    expect(greeting).not.toContain('STARTTLS')
    expect(greeting).not.toContain('LOGINDISABLED')
  })

  test('allowInsecureAuth offers AUTH= before TLS', async () => {
    const c = f.connect({ settings: { allowInsecureAuth: true } })
    const greeting = c.take()
    expect(greeting).toContain('STARTTLS AUTH=PLAIN AUTH=LOGIN')
    expect(greeting).not.toContain('LOGINDISABLED')
  })

  test('after login: the full list with APPENDLIMIT, once in the LOGIN OK and again on request', async () => {
    const c = f.connect({ transport: { secure: true } })
    c.take()
    const login = await c.send('a1 LOGIN ann@example.test "correct horse battery staple"')
    expect(login).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 .* Logged in\r\n$/)
    const reply = await c.send('a2 CAPABILITY')
    for (const cap of [
      'IDLE',
      'NAMESPACE',
      'UIDPLUS',
      'CONDSTORE',
      'QRESYNC',
      'SPECIAL-USE',
      'LIST-STATUS',
      'QUOTA',
      'UTF8=ACCEPT',
      'STATUS=SIZE',
      'MOVE',
      'ESEARCH',
      `APPENDLIMIT=${64 * 1024}`,
    ])
      expect(reply).toContain(` ${cap}`)
    expect(reply).not.toContain('AUTH=')
  })
})

describe('dispatch errors', () => {
  test.each([
    ['a1 SELECT INBOX', /^a1 BAD SELECT is not allowed before login/],
    ['a2 FETCH 1 FLAGS', /^a2 BAD FETCH is not /],
    ['a3 FROBNICATE', /^a3 BAD Unknown command FROBNICATE/],
    ['a4 LOGIN onlyuser', /^a4 BAD /],
    ['a5 CAPABILITY extra', /^a5 BAD CAPABILITY takes no arguments/],
    ['* NOOP', /^\* BAD /],
    ['a6 UID NOOP', /^a6 BAD UID NOOP is not a command/],
  ])('%s', async (line, expected) => {
    const c = f.connect()
    c.take()
    expect(await c.send(line)).toMatch(expected)
    expect(c.closed).toBe(false)
  })

  test('state checks after login', async () => {
    const c = await f.login()
    expect(await c.send('b1 LOGIN x y')).toStartWith('b1 BAD LOGIN is only allowed before login')
    expect(await c.send('b2 EXPUNGE')).toStartWith('b2 BAD EXPUNGE needs a selected mailbox')
    expect(await c.send('b3 STARTTLS')).toStartWith('b3 BAD STARTTLS is only allowed before login')
    await c.send('b4 SELECT INBOX')
    expect(await c.send('b5 ENABLE CONDSTORE')).toStartWith('b5 BAD ENABLE is not allowed while a mailbox is selected')
  })

  test('a command the parser knows but no handler implements is BAD, not a crash', async () => {
    const c = await f.login(undefined, { omit: ['SORT'] })
    await c.send('a1 SELECT INBOX')
    expect(await c.send('a2 SORT (DATE) UTF-8 ALL')).toStartWith('a2 BAD SORT is not supported')
  })

  test('imap.maxErrors BADs end the session with BYE', async () => {
    const c = f.connect({ settings: { maxErrors: 3 } })
    c.take()
    await c.send('a1 BOGUS')
    await c.send('a2 BOGUS')
    expect(c.closed).toBe(false)
    const last = await c.send('a3 BOGUS')
    expect(last).toContain('a3 BAD')
    expect(last).toContain('* BYE Too many invalid commands')
    expect(c.closed).toBe(true)
    // Nothing more is read.
    expect(await c.send('a4 NOOP')).toBe('')
  })

  test('metrics count commands by name and result', async () => {
    const before = f.metrics.commands.get({ command: 'NOOP', result: 'ok' })
    const c = f.connect()
    c.take()
    await c.send('a1 NOOP')
    await c.send('a2 SELECT INBOX')
    expect(f.metrics.commands.get({ command: 'NOOP', result: 'ok' })).toBe(before + 1)
    expect(f.metrics.commands.get({ command: 'SELECT', result: 'bad' })).toBeGreaterThan(0)
    expect(f.registry.render()).toContain('imap_connections_total{endpoint="imap"}')
  })
})

describe('the error boundary', () => {
  // A stand-in command whose handler throws what the test names (via the NOOP name).
  const throwing = (error: unknown) =>
    defineCommand({
      name: 'NOOP',
      states: ANY_STATE,
      run() {
        throw error
      },
    })

  test.each([
    [
      'a user error: NO with its code',
      userError('no such thing', { imap: 'NONEXISTENT' }),
      'a1 NO [NONEXISTENT] no such thing',
    ],
    ['a syntax error: BAD', syntaxError('bad argument'), 'a1 BAD bad argument'],
    ['a temporary error: NO [UNAVAILABLE]', temporaryError('disk busy'), 'a1 NO [UNAVAILABLE] disk busy'],
    [
      'a bug: NO [SERVERBUG], message not echoed',
      new Error('SELECT * FROM secrets'),
      'a1 NO [SERVERBUG] Internal server error',
    ],
  ])('%s', async (_name, error, expected) => {
    const c = f.connect({ commands: [throwing(error)] })
    c.take()
    expect(await c.send('a1 NOOP')).toBe(`${expected}\r\n`)
    expect(await c.send('a2 CAPABILITY')).toContain('a2 OK')
  })
})

describe('literals', () => {
  test('a synchronising literal gets "+" and the command completes with the octets', async () => {
    const c = f.connect({ transport: { secure: true } })
    c.take()
    expect(await c.send('a1 LOGIN {16}')).toBe('+ Ready for literal data\r\n')
    expect(await c.send('ann@example.test "correct horse battery staple"')).toMatch(/^a1 OK \[CAPABILITY /)
  })

  test('LITERAL+ needs no continuation', async () => {
    const c = f.connect({ transport: { secure: true } })
    c.take()
    const reply = await c.feed('a1 LOGIN {16+}\r\nann@example.test {28+}\r\ncorrect horse battery staple\r\n')
    expect(reply).toMatch(/^a1 OK \[CAPABILITY /)
  })

  test('before login a large literal is refused with NO [TOOBIG] and no "+"', async () => {
    const c = f.connect({ transport: { secure: true } })
    c.take()
    const reply = await c.send('a1 LOGIN {100000}')
    expect(reply).toMatch(/^a1 NO \[TOOBIG\] /)
    expect(reply).not.toContain('+ ')
    expect(await c.send('a2 NOOP')).toBe('a2 OK NOOP completed\r\n')
  })

  test('responses to pipelined commands come in order', async () => {
    const c = await f.login()
    const reply = await c.feed('p1 NOOP\r\np2 NAMESPACE\r\np3 SELECT INBOX\r\np4 ID NIL\r\n')
    const tags = lines(reply)
      .filter(l => !l.startsWith('*'))
      .map(l => l.split(' ')[0])
    expect(tags).toEqual(['p1', 'p2', 'p3', 'p4'])
  })
})

describe('simple commands', () => {
  test('NAMESPACE, ID, ENABLE', async () => {
    const c = await f.login()
    expect(lines(await c.send('a1 NAMESPACE'))).toEqual(['* NAMESPACE (("" "/")) NIL NIL', 'a1 OK NAMESPACE completed'])
    expect(lines(await c.send('a2 ID ("name" "test-client" "version" "1")'))[0]).toBe(
      '* ID ("name" "mail-server" "vendor" "mail-server")',
    )
    expect(lines(await c.send('a3 ENABLE CONDSTORE X-UNKNOWN QRESYNC'))[0]).toBe('* ENABLED CONDSTORE QRESYNC')
    expect(lines(await c.send('a4 ENABLE QRESYNC'))[0]).toBe('* ENABLED')
    expect(lines(await c.send('a5 ENABLE UTF8=ACCEPT IMAP4rev2'))[0]).toBe('* ENABLED UTF8=ACCEPT IMAP4rev2')
    expect(c.session.enabled).toEqual({ condstore: true, qresync: true, utf8Accept: true, imap4rev2: true })
  })

  test('ID works before login', async () => {
    const c = f.connect()
    c.take()
    expect(await c.send('a1 ID NIL')).toContain('a1 OK ID completed')
  })

  test('LOGOUT: BYE, OK, close', async () => {
    const c = await f.login()
    await c.send('a1 SELECT INBOX')
    const listening = f.storage.events.listenerCount()
    expect(lines(await c.send('a2 LOGOUT'))).toEqual(['* BYE Logging out', 'a2 OK LOGOUT completed'])
    expect(c.closed).toBe(true)
    expect(f.storage.events.listenerCount()).toBe(listening - 1)
  })

  test('autologout after the idle timeout says BYE', async () => {
    const c = await f.login()
    expect(c.transport.idleTimeoutMs).toBe(30 * 60_000)
    c.transport.idleTimeout()
    await c.settle()
    expect(c.take()).toBe('* BYE Autologout; idle for too long\r\n')
    expect(c.closed).toBe(true)
  })

  test('shutdown between commands says BYE', async () => {
    const c = await f.login()
    c.session.onShutdown()
    await c.settle()
    expect(c.take()).toBe('* BYE Server shutting down\r\n')
    expect(c.closed).toBe(true)
  })

  test('active connection gauge goes back down on close', async () => {
    const before = f.metrics.active.get({ endpoint: 'imap' })
    const c = f.connect()
    expect(f.metrics.active.get({ endpoint: 'imap' })).toBe(before + 1)
    c.transport.clientClose()
    await c.settle()
    expect(f.metrics.active.get({ endpoint: 'imap' })).toBe(before)
  })
})
