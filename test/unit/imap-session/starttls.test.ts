// STARTTLS (RFC 9051 §6.2.1): OK, handshake, a fresh session; commands pipelined behind STARTTLS in
// the clear are never executed (CVE-2011-0411 class).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ANN, type ImapFixture, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

test('STARTTLS, then capabilities change and LOGIN works', async () => {
  const c = f.connect()
  c.take()
  expect(await c.send('a1 STARTTLS')).toBe('a1 OK Begin TLS negotiation now\r\n')
  await c.settle()
  expect(c.transport.secure).toBe(true)
  const caps = await c.send('a2 CAPABILITY')
  expect(caps).toContain('AUTH=PLAIN')
  expect(caps).not.toContain('STARTTLS')
  expect(caps).not.toContain('LOGINDISABLED')
  expect(await c.send(`a3 LOGIN ${ANN.email} "${ANN.password}"`)).toStartWith('a3 OK')
})

test('a command pipelined behind STARTTLS is dropped, not run inside TLS', async () => {
  const c = f.connect({ settings: { allowInsecureAuth: true } })
  c.take()
  const reply = await c.feed(`a1 STARTTLS\r\na2 LOGIN ${ANN.email} "${ANN.password}"\r\n`)
  expect(reply).toBe('a1 OK Begin TLS negotiation now\r\n')
  await c.settle()
  expect(c.transport.writesDuringTlsNegotiation).toEqual([])
  expect(c.transport.secure).toBe(true)
  expect(c.session.state).toBe('not-authenticated')
  // After the handshake the injected command has not been answered either.
  expect(lines(await c.send('a3 NOOP'))).toEqual(['a3 OK NOOP completed'])
})

test('STARTTLS on a TLS connection is BAD', async () => {
  const c = f.connect({ transport: { secure: true } })
  c.take()
  expect(await c.send('a1 STARTTLS')).toStartWith('a1 BAD TLS is already active')
})

test('STARTTLS on the implicit-TLS endpoint settings (not offered) is BAD', async () => {
  const c = f.connect({ settings: { startTls: false } })
  c.take()
  expect(await c.send('a1 STARTTLS')).toStartWith('a1 BAD STARTTLS is not offered')
})

test('when the handshake cannot start after the OK, the connection closes', async () => {
  const c = f.connect({ transport: { tlsAvailable: false } })
  c.take()
  expect(await c.send('a1 STARTTLS')).toBe('a1 OK Begin TLS negotiation now\r\n')
  await c.settle()
  expect(c.closed).toBe(true)
})
