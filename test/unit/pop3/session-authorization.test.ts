// The POP3 AUTHORIZATION state over the in-memory transport: greeting, CAPA per connection kind,
// STLS (RFC 2595), USER/PASS (RFC 1939 §7), AUTH PLAIN/LOGIN (RFC 5034), throttling and the
// maildrop lock (RFC 2449 [IN-USE], [LOGIN-DELAY]; RFC 3206 [AUTH], [SYS/TEMP]).
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import type { CredentialVerifier } from '../../../src/auth/sasl-authenticate.ts'
import {
  ANN,
  BOB,
  bodyLines,
  HOST,
  loggedIn,
  message,
  openSession,
  type Pop3Fixture,
  pop3Fixture,
} from './support/pop3-harness.ts'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const plain = { transport: { secure: false } }

let f: Pop3Fixture
beforeEach(async () => {
  f = await pop3Fixture()
})
afterEach(() => f.cleanup())

describe('greeting and CAPA', () => {
  test('the greeting names the host and offers no APOP timestamp', () => {
    const h = openSession(f)
    expect(h.greeting).toBe(`+OK ${HOST} POP3 server ready\r\n`)
  })

  test('plaintext: STLS offered, USER and SASL not (login needs TLS first)', async () => {
    const h = openSession(f, plain)
    const lines = bodyLines(await h.send('CAPA'))
    expect(lines).toContain('STLS')
    expect(lines).not.toContain('USER')
    expect(lines.some(l => l.startsWith('SASL'))).toBe(false)
    expect(lines).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING']))
  })

  test('implicit TLS: USER and SASL PLAIN LOGIN, no STLS', async () => {
    const h = openSession(f)
    const lines = bodyLines(await h.send('CAPA'))
    expect(lines).toContain('USER')
    expect(lines).toContain('SASL PLAIN LOGIN')
    expect(lines).not.toContain('STLS')
  })

  test('after login CAPA lists no login methods', async () => {
    const h = await loggedIn(f)
    const lines = bodyLines(await h.send('CAPA'))
    expect(lines).not.toContain('USER')
    expect(lines).toContain('UIDL')
  })
})

describe('cleartext logins refused until STLS', () => {
  test.each([`USER ${ANN.email}`, `PASS ${ANN.password}`, 'AUTH PLAIN', `AUTH PLAIN ${b64(`\0${ANN.email}\0x`)}`])(
    '%p answers -ERR [AUTH]',
    async line => {
      const h = openSession(f, plain)
      expect(await h.send(line)).toStartWith('-ERR [AUTH] Plaintext authentication disallowed')
    },
  )

  test('pop3.allowInsecureAuth lets USER/PASS through without TLS', async () => {
    const h = openSession(f, { ...plain, settings: { allowInsecureAuth: true } })
    expect(bodyLines(await h.send('CAPA'))).toContain('USER')
    expect(await h.send(`USER ${ANN.email}`)).toStartWith('+OK')
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('+OK')
  })
})

describe('STLS', () => {
  test('upgrades, forgets USER, and then allows login', async () => {
    const h = openSession(f, plain)
    expect(await h.send('STLS')).toBe('+OK Begin TLS negotiation\r\n')
    expect(h.transport.secure).toBe(true)
    expect(bodyLines(await h.send('CAPA'))).not.toContain('STLS')
    expect(await h.send(`USER ${ANN.email}`)).toStartWith('+OK')
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('+OK')
  })

  test('commands pipelined behind STLS are never answered (CVE-2011-0411 class)', async () => {
    const h = openSession(f, { ...plain, settings: { allowInsecureAuth: true } })
    expect(await h.send(`USER ${ANN.email}`)).toStartWith('+OK')
    const out = await h.feed(`STLS\r\nPASS ${ANN.password}\r\nSTAT\r\n`)
    expect(out).toBe('+OK Begin TLS negotiation\r\n')
    expect(h.transport.writesDuringTlsNegotiation).toEqual([])
    // RFC 2595 §4: the USER name given before TLS is forgotten.
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('-ERR send USER first')
  })

  test('refused on a TLS connection, after login, and without a certificate', async () => {
    expect(await openSession(f).send('STLS')).toStartWith('-ERR TLS is already active')
    const h = await loggedIn(f)
    expect(await h.send('STLS')).toStartWith('-ERR STLS is not valid after login')
    const noCert = openSession(f, { transport: { secure: false }, settings: { tlsAvailable: false } })
    expect(bodyLines(await noCert.send('CAPA'))).not.toContain('STLS')
    expect(await noCert.send('STLS')).toBe('-ERR [SYS/TEMP] TLS is not available\r\n')
  })
})

describe('USER and PASS', () => {
  test('a good password enters TRANSACTION and counts the messages', async () => {
    await f.append(message('one'))
    await f.append(message('two'))
    const h = openSession(f)
    expect(await h.send(`USER ${ANN.email}`)).toBe('+OK send PASS\r\n')
    expect(await h.send(`PASS ${ANN.password}`)).toBe(`+OK ${ANN.email} has 2 messages\r\n`)
    expect(await h.send('STAT')).toStartWith('+OK 2 ')
  })

  test('USER with an unknown name still says +OK; PASS fails with [AUTH]', async () => {
    const h = openSession(f)
    expect(await h.send('USER nobody@example.test')).toStartWith('+OK')
    expect(await h.send('PASS whatever')).toBe('-ERR [AUTH] invalid user name or password\r\n')
    expect(f.metrics.authFailures.get({ protocol: 'pop3' })).toBe(1)
  })

  test('a wrong password fails, forgets USER, and the client may try again', async () => {
    const h = openSession(f)
    await h.send(`USER ${ANN.email}`)
    expect(await h.send('PASS wrong')).toStartWith('-ERR [AUTH]')
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('-ERR send USER first')
    await h.send(`USER ${ANN.email}`)
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('+OK')
  })

  test('a password with spaces is passed whole', async () => {
    const h = openSession(f)
    await h.send(`USER ${ANN.email}`)
    expect(ANN.password).toContain(' ')
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('+OK')
  })

  test('the real password check (Argon2id through storage) accepts and refuses', async () => {
    await f.storage.accounts.setPassword(ANN.email, 'real password')
    const h = openSession(f, { accounts: f.storage.accounts })
    await h.send(`USER ${ANN.email}`)
    expect(await h.send('PASS not it')).toStartWith('-ERR [AUTH]')
    await h.send(`USER ${ANN.email}`)
    expect(await h.send('PASS real password')).toStartWith('+OK')
  })

  test('a storage failure during the check is [SYS/TEMP], not [AUTH]', async () => {
    const broken: CredentialVerifier = {
      async verifyCredentials() {
        throw new Error('database is locked')
      },
    }
    const h = openSession(f, { accounts: broken })
    await h.send(`USER ${ANN.email}`)
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('-ERR [SYS/TEMP]')
  })
})

describe('throttling', () => {
  test('after repeated failures logins are refused with [LOGIN-DELAY], even with the right password', async () => {
    f.cleanup()
    f = await pop3Fixture({ failuresBeforeThrottle: 2 })
    const h = openSession(f)
    for (let i = 0; i < 2; i++) {
      await h.send(`USER ${ANN.email}`)
      expect(await h.send('PASS wrong')).toStartWith('-ERR [AUTH]')
    }
    await h.send(`USER ${ANN.email}`)
    expect(await h.send(`PASS ${ANN.password}`)).toMatch(
      /^-ERR \[LOGIN-DELAY\] too many failed logins; try again in \d+ seconds\r\n$/,
    )
    f.clock.advance(60_000)
    await h.send(`USER ${ANN.email}`)
    expect(await h.send(`PASS ${ANN.password}`)).toStartWith('+OK')
  })
})

describe('AUTH (RFC 5034)', () => {
  test('AUTH without arguments lists the mechanisms', async () => {
    expect(await openSession(f).send('AUTH')).toBe('+OK SASL mechanisms follow\r\nPLAIN\r\nLOGIN\r\n.\r\n')
  })

  test('PLAIN with an initial response', async () => {
    const h = openSession(f)
    expect(await h.send(`AUTH PLAIN ${b64(`\0${ANN.email}\0${ANN.password}`)}`)).toStartWith('+OK')
    expect(await h.send('STAT')).toStartWith('+OK 0 0')
  })

  test('PLAIN after an empty challenge', async () => {
    const h = openSession(f)
    expect(await h.send('AUTH PLAIN')).toBe('+ \r\n')
    expect(await h.send(b64(`${ANN.email}\0${ANN.email}\0${ANN.password}`))).toStartWith('+OK')
  })

  test('PLAIN with another authorization identity is refused', async () => {
    const h = openSession(f)
    expect(await h.send(`AUTH PLAIN ${b64(`${BOB.email}\0${ANN.email}\0${ANN.password}`)}`)).toStartWith('-ERR [AUTH]')
  })

  test('LOGIN: Username:, Password:', async () => {
    const h = openSession(f)
    expect(await h.send('AUTH LOGIN')).toBe('+ VXNlcm5hbWU6\r\n')
    expect(await h.send(b64(ANN.email))).toBe('+ UGFzc3dvcmQ6\r\n')
    expect(await h.send(b64(ANN.password))).toStartWith('+OK')
  })

  test('LOGIN with the user name as initial response', async () => {
    const h = openSession(f)
    expect(await h.send(`AUTH LOGIN ${b64(ANN.email)}`)).toBe('+ UGFzc3dvcmQ6\r\n')
    expect(await h.send(b64('wrong'))).toStartWith('-ERR [AUTH]')
  })

  test('"*" cancels; the next line is a command again', async () => {
    const h = openSession(f)
    await h.send('AUTH LOGIN')
    expect(await h.send('*')).toBe('-ERR authentication cancelled\r\n')
    expect(await h.send('NOOP')).toStartWith('-ERR NOOP is only valid after login')
  })

  test('bad base64 ends the exchange with -ERR', async () => {
    const h = openSession(f)
    await h.send('AUTH PLAIN')
    expect(await h.send('not base64!')).toStartWith('-ERR invalid base64')
    expect(await h.send('QUIT')).toStartWith('+OK')
  })

  test('an unknown mechanism is refused', async () => {
    expect(await openSession(f).send('AUTH CRAM-MD5')).toBe('-ERR unsupported authentication mechanism\r\n')
  })
})

describe('maildrop lock', () => {
  test('a second session for the same account gets [IN-USE] and stays in AUTHORIZATION', async () => {
    const first = await loggedIn(f)
    const second = openSession(f)
    await second.send(`USER ${ANN.email}`)
    expect(await second.send(`PASS ${ANN.password}`)).toBe(
      '-ERR [IN-USE] maildrop already locked by another session\r\n',
    )
    // Another account is not affected.
    await second.send(`USER ${BOB.email}`)
    expect(await second.send(`PASS ${BOB.password}`)).toStartWith('+OK')
    expect(f.locks.held).toBe(2)
    await first.send('QUIT')
    expect(f.locks.held).toBe(1)
  })

  test.each<[string, (h: Awaited<ReturnType<typeof loggedIn>>) => Promise<unknown>]>([
    ['QUIT', h => h.send('QUIT')],
    [
      'a dropped connection',
      async h => {
        h.transport.clientClose()
        await h.settle()
      },
    ],
    [
      'the idle timeout',
      async h => {
        h.transport.idleTimeout()
        await h.settle()
      },
    ],
    [
      'too many errors',
      async h => {
        for (let i = 0; i < 10; i++) await h.send('BOGUS')
      },
    ],
    [
      'server shutdown',
      async h => {
        h.session.onShutdown()
        await h.settle()
      },
    ],
  ])('released after %s', async (_name, end) => {
    const h = await loggedIn(f)
    expect(f.locks.held).toBe(1)
    await end(h)
    expect(h.transport.closed).toBe(true)
    expect(f.locks.held).toBe(0)
    const next = await loggedIn(f)
    expect(await next.send('NOOP')).toBe('+OK\r\n')
  })

  test('a connection that drops while the password is being checked leaves no lock behind', async () => {
    let release: () => void = () => {}
    const slow: CredentialVerifier = {
      async verifyCredentials(email) {
        await new Promise<void>(r => {
          release = r
        })
        const account = await f.storage.accounts.get(email)
        return account ? { id: account.id, email: account.email } : null
      },
    }
    const h = openSession(f, { accounts: slow })
    await h.send(`USER ${ANN.email}`)
    h.transport.feed(`PASS ${ANN.password}\r\n`)
    await h.transport.tick()
    h.transport.clientClose()
    await h.transport.tick()
    release()
    await h.settle()
    await h.settle()
    expect(f.locks.held).toBe(0)
  })
})

describe('commands in the wrong state', () => {
  test.each(['STAT', 'LIST', 'LIST 1', 'RETR 1', 'DELE 1', 'NOOP', 'RSET', 'TOP 1 1', 'UIDL'])(
    '%p before login',
    async line => {
      expect(await openSession(f).send(line)).toMatch(/^-ERR \w+ is only valid after login\r\n$/)
    },
  )

  test.each([`USER ${ANN.email}`, 'PASS x', 'AUTH PLAIN', 'STLS'])('%p after login', async line => {
    const h = await loggedIn(f)
    expect(await h.send(line)).toMatch(/^-ERR \w+ is not valid after login\r\n$/)
  })

  test('QUIT before login says goodbye and closes', async () => {
    const h = openSession(f)
    expect(await h.send('QUIT')).toBe(`+OK ${HOST} POP3 server signing off\r\n`)
    expect(h.transport.closed).toBe(true)
  })
})
