// Connection-level rules of a POP3 session: pipelining (RFC 2449 §6.6), the error limit, over-long
// lines, the autologout timer (RFC 1939 §3: close without response and without UPDATE), shutdown,
// input flooding, and the metrics each connection records.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import {
  ANN,
  bodyLines,
  loggedIn,
  message,
  openSession,
  type Pop3Fixture,
  pop3Fixture,
} from './support/pop3-harness.ts'

let f: Pop3Fixture
beforeEach(async () => {
  f = await pop3Fixture()
})
afterEach(() => f.cleanup())

const storedCount = async () => (await f.storage.messages.list((await f.inbox(f.accounts.ann)).id)).length

describe('pipelining', () => {
  test('commands sent in one segment are answered in order', async () => {
    await f.append(message('a'))
    await f.append(message('b'))
    const h = openSession(f)
    const out = await h.feed(
      `USER ${ANN.email}\r\nPASS ${ANN.password}\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nRETR 2\r\nQUIT\r\n`,
    )
    const expected = [
      '+OK send PASS\r\n',
      `+OK ${ANN.email} has 2 messages\r\n`,
      `+OK 2 ${message('a').length + message('b').length}\r\n`,
      `+OK ${message('a').length} octets\r\n${message('a')}.\r\n`,
      '+OK message 1 deleted\r\n',
      `+OK ${message('b').length} octets\r\n${message('b')}.\r\n`,
    ].join('')
    expect(out.startsWith(expected)).toBe(true)
    expect(out.slice(expected.length)).toMatch(/^\+OK .* signing off \(1 messages left\)\r\n$/)
    expect(await storedCount()).toBe(1)
  })

  test('a command split across segments, and bare LF line ends', async () => {
    const h = await loggedIn(f)
    expect(await h.feed('NO')).toBe('')
    expect(await h.feed('OP\n')).toBe('+OK\r\n')
    expect(await h.feed('NOOP\r')).toBe('')
    expect(await h.feed('\n')).toBe('+OK\r\n')
  })
})

describe('errors', () => {
  test('unknown commands get -ERR; the tenth bad command closes the connection without UPDATE', async () => {
    await f.append(message('a'))
    const h = await loggedIn(f)
    await h.send('DELE 1')
    for (let i = 1; i < 10; i++) expect(await h.send(`BOGUS${i}`)).toBe('-ERR unknown command\r\n')
    expect(await h.send('BOGUS10')).toBe('-ERR unknown command\r\n-ERR too many bad commands; closing connection\r\n')
    expect(h.transport.closed).toBe(true)
    expect(await storedCount()).toBe(1)
  })

  test('failed logins count towards the limit', async () => {
    const h = openSession(f, { settings: { maxErrors: 3 } })
    for (let i = 0; i < 2; i++) {
      await h.send(`USER ${ANN.email}`)
      expect(await h.send('PASS wrong')).toStartWith('-ERR [AUTH]')
    }
    await h.send(`USER ${ANN.email}`)
    expect(await h.send('PASS wrong')).toEndWith('-ERR too many bad commands; closing connection\r\n')
    expect(h.transport.closed).toBe(true)
  })

  test('"no such message" does not count: a client may probe numbers', async () => {
    const h = await loggedIn(f, { settings: { maxErrors: 2 } })
    for (let i = 0; i < 5; i++) expect(await h.send(`RETR ${i + 1}`)).toBe('-ERR no such message\r\n')
    expect(h.transport.closed).toBe(false)
  })

  test('an over-long line is refused and skipped; the next command works', async () => {
    const h = await loggedIn(f)
    expect(await h.send(`NOOP ${'x'.repeat(600)}`)).toBe('-ERR line too long\r\n')
    expect(await h.send('NOOP')).toBe('+OK\r\n')
  })

  test('an over-long line arriving in pieces', async () => {
    const h = await loggedIn(f)
    let out = ''
    for (let i = 0; i < 10; i++) out += await h.feed('y'.repeat(100))
    out += await h.feed('\r\nNOOP\r\n')
    expect(out).toBe('-ERR line too long\r\n+OK\r\n')
  })

  test('non-UTF-8 bytes in a command are an unknown command, not a crash', async () => {
    const h = await loggedIn(f)
    expect(await h.feed(new Uint8Array([0xff, 0xfe, 0x0d, 0x0a]))).toBe('-ERR unknown command\r\n')
    expect(await h.feed(new Uint8Array([0x00, 0x0d, 0x0a]))).toBe('-ERR unknown command\r\n')
  })

  test('a client flooding input behind a slow command is cut off', async () => {
    const h = await loggedIn(f)
    const out = await h.feed(`NOOP ${'z'.repeat(100)}\r\n`.repeat(12_000))
    expect(out).toEndWith('-ERR too much input; closing connection\r\n')
    expect(h.transport.closed).toBe(true)
  })
})

describe('timeouts and shutdown', () => {
  test('the session sets the autologout timer', () => {
    const h = openSession(f, { settings: { idleTimeoutMs: 600_000 } })
    expect(h.transport.idleTimeoutMs).toBe(600_000)
  })

  test('autologout closes without a response and without UPDATE (RFC 1939 §3)', async () => {
    await f.append(message('a'))
    const h = await loggedIn(f)
    await h.send('DELE 1')
    h.transport.idleTimeout()
    await h.settle()
    expect(h.transport.takeOutput()).toBe('')
    expect(h.transport.closeReason).toBe('timeout')
    expect(await storedCount()).toBe(1)
  })

  test('shutdown: -ERR [SYS/TEMP], no UPDATE', async () => {
    await f.append(message('a'))
    const h = await loggedIn(f)
    await h.send('DELE 1')
    h.session.onShutdown()
    await h.settle()
    expect(h.transport.takeOutput()).toBe('-ERR [SYS/TEMP] server shutting down\r\n')
    expect(h.transport.closed).toBe(true)
    expect(await storedCount()).toBe(1)
  })

  test('shutdown during a command answers it first', async () => {
    await f.append(message('a'))
    const h = await loggedIn(f)
    h.transport.feed('LIST\r\nNOOP\r\n')
    h.session.onShutdown()
    await h.settle()
    const out = h.transport.takeOutput()
    expect(out).toStartWith('+OK 1 messages')
    expect(out).toEndWith('.\r\n-ERR [SYS/TEMP] server shutting down\r\n')
  })
})

describe('metrics', () => {
  test('connections, active connections, RETR, bytes sent, auth failures', async () => {
    await f.append(message('a'))
    const first = await loggedIn(f)
    const second = openSession(f)
    expect(f.metrics.connections.get()).toBe(2)
    expect(f.metrics.active.get()).toBe(2)
    await second.send('USER x@example.test')
    await second.send('PASS nope')
    expect(f.metrics.authFailures.get({ protocol: 'pop3' })).toBe(1)
    await first.send('RETR 1')
    await first.send('TOP 1 0')
    expect(f.metrics.retrieved.get()).toBe(1)
    await first.send('QUIT')
    await second.send('QUIT')
    expect(f.metrics.active.get()).toBe(0)
    const sent = first.transport.outputBytes().length + second.transport.outputBytes().length
    expect(f.metrics.bytesSent.get()).toBe(sent)
    expect(f.registry.render()).toContain('auth_failures_total{protocol="pop3"} 1')
  })

  test('the CAPA list is a well-formed multi-line response', async () => {
    const h = openSession(f)
    const out = await h.send('CAPA')
    expect(out).toStartWith('+OK Capability list follows\r\n')
    expect(bodyLines(out).length).toBeGreaterThan(5)
  })
})
