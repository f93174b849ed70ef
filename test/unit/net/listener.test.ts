// The Bun.listen adapter over real sockets on 127.0.0.1: sessions, the write queue under a slow reader
// (plain and TLS), connection limits, idle timeouts, half-close and graceful stop.
import { afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { createConnectionLimiter } from '../../../src/net/connection-limits.ts'
import { type ListenerOptions, type RunningListener, startListener } from '../../../src/net/listener.ts'
import type { CertificatePair, Session } from '../../../src/net/transport.ts'
import { createSelfSignedCertificate } from '../../../src/security/tls/self-signed.ts'
import { LineClient, eventually } from './helpers/line-client.ts'
import { type ToyLog, type ToyOptions, newToyLog, toyFactory } from './helpers/toy-session.ts'

const BUSY = '421 4.7.0 Too many connections\r\n'
let pair: CertificatePair
const running: RunningListener[] = []
const clients: LineClient[] = []

beforeAll(async () => {
  pair = await createSelfSignedCertificate({ hostname: 'mx.example.test' })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(running.splice(0).map(l => l.stop({ graceMs: 0 })))
})

function listen(log: ToyLog, extra: Partial<ListenerOptions> = {}, toy: ToyOptions = {}): RunningListener {
  const listener = startListener({
    name: 'toy',
    hostname: '127.0.0.1',
    port: 0,
    tls: 'none',
    tlsProvider: { current: () => pair },
    factory: toyFactory(log, toy),
    busyMessage: BUSY,
    ...extra,
  })
  running.push(listener)
  return listener
}

async function connect(port: number, tls = false): Promise<LineClient> {
  const client = tls ? await LineClient.connectTls(port, { ca: pair.cert }) : await LineClient.connect(port)
  clients.push(client)
  return client
}

describe('sessions over a plain listener', () => {
  test('a session gets a transport with an id and addresses, and round-trips commands', async () => {
    const log = newToyLog()
    const listener = listen(log)
    const client = await connect(listener.port)
    expect(await client.readReply()).toBe('220 toy ESMTP')
    client.write('NOOP one\r\nNOOP two\r\n') // pipelined in one segment
    expect(await client.readReply()).toBe('250 2.0.0 NOOP one (plain)')
    expect(await client.readReply()).toBe('250 2.0.0 NOOP two (plain)')
    const t = log.transports[0]
    expect(t?.id).toMatch(/^c[0-9a-z]+$/)
    expect(t?.remoteAddress).toBe('127.0.0.1')
    expect(t?.remotePort).toBe(client.socket.localPort ?? -1)
    expect(t?.localPort).toBe(listener.port)
    expect(t?.secure).toBe(false)
    expect(listener.connections).toBe(1)
    client.write('QUIT\r\n')
    expect(await client.readReply()).toBe('221 2.0.0 Bye')
    await client.closed
    await eventually(() => listener.connections === 0)
    expect(log.closes).toEqual(['server'])
  })

  test('two connections get different ids', async () => {
    const log = newToyLog()
    const listener = listen(log)
    const a = await connect(listener.port)
    const b = await connect(listener.port)
    await a.readReply()
    await b.readReply()
    expect(log.transports[0]?.id).not.toBe(log.transports[1]?.id)
  })

  test('a client that closes is reported as "client"', async () => {
    const log = newToyLog()
    const listener = listen(log)
    const client = await connect(listener.port)
    await client.readReply()
    client.socket.end()
    await eventually(() => log.closes.length === 1)
    expect(log.closes).toEqual(['client'])
  })

  test('a client that sends QUIT and half-closes still receives the whole reply', async () => {
    const log = newToyLog()
    const listener = listen(log)
    const client = await connect(listener.port)
    await client.readReply()
    client.socket.end('BIG 1048576\r\nQUIT\r\n')
    const body = await client.readBytes(1048576)
    expect(await client.readReply()).toBe('250 2.0.0 BIG done')
    expect(await client.readReply()).toBe('221 2.0.0 Bye')
    expect(new Bun.CryptoHasher('sha256').update(body).digest('hex')).toBe(log.bigHashes[0] ?? '')
  })

  test('a session that throws is closed with "error", and the listener keeps serving', async () => {
    const closes: string[] = []
    const listener = startListener({
      name: 'boom',
      hostname: '127.0.0.1',
      port: 0,
      tls: 'none',
      factory: (): Session => ({
        onData() {
          throw new Error('session bug')
        },
        onClose: reason => closes.push(reason),
      }),
    })
    running.push(listener)
    const client = await connect(listener.port)
    client.write('anything\r\n')
    await client.closed
    await eventually(() => closes.length === 1)
    expect(closes).toEqual(['error'])
    const again = await connect(listener.port)
    again.write('x\r\n')
    await again.closed
    await eventually(() => closes.length === 2)
  })

  test('listening on a port in use fails with an error naming the address', () => {
    const log = newToyLog()
    const first = listen(log)
    expect(() => listen(log, { port: first.port })).toThrow(`127.0.0.1:${first.port}`)
  })
})

describe('write queue under a slow reader', () => {
  const SIZE = 8 * 1024 * 1024
  for (const tls of [false, true]) {
    test(`8 MiB to a client that pauses reading arrives intact (${tls ? 'TLS' : 'plain'})`, async () => {
      const log = newToyLog()
      const listener = listen(log, { tls: tls ? 'implicit' : 'none' })
      const client = await connect(listener.port, tls)
      await client.readReply()
      client.socket.pause()
      client.write(`BIG ${SIZE}\r\n`)
      await eventually(() => log.bigHashes.length === 1)
      await Bun.sleep(50) // let the kernel buffers fill while nobody reads
      client.socket.resume()
      const body = await client.readBytes(SIZE)
      expect(await client.readReply()).toBe('250 2.0.0 BIG done')
      // Bun took only part of the payload at once: the rest went through the queue and `drain`.
      expect(log.maxQueued).toBeGreaterThan(0)
      expect(new Bun.CryptoHasher('sha256').update(body).digest('hex')).toBe(log.bigHashes[0] ?? '')
      expect(log.transports[0]?.queuedBytes).toBe(0)
    })
  }
})

describe('connection limits', () => {
  test('over the total limit the next connection gets the busy line and is closed; a freed slot is reused', async () => {
    const log = newToyLog()
    const listener = listen(log, { limits: { maxConnections: 2, maxConnectionsPerIp: 10 } })
    const a = await connect(listener.port)
    const b = await connect(listener.port)
    await a.readReply()
    await b.readReply()
    const c = await connect(listener.port)
    expect(await c.readToEnd()).toBe(BUSY)
    expect(log.transports).toHaveLength(2) // no session for the refused connection
    a.write('QUIT\r\n')
    await a.readReply()
    await eventually(() => listener.connections === 1 && log.closes.length === 1)
    const d = await connect(listener.port)
    expect(await d.readReply()).toBe('220 toy ESMTP')
  })

  test('per-IP limit, with a limiter shared by two listeners', async () => {
    const log = newToyLog()
    const limiter = createConnectionLimiter({ maxConnections: 100, maxConnectionsPerIp: 2 })
    const smtp = listen(log, { limiter })
    const imap = listen(log, { limiter })
    const a = await connect(smtp.port)
    const b = await connect(imap.port)
    await a.readReply()
    await b.readReply()
    expect(limiter.countFor('127.0.0.1')).toBe(2)
    const c = await connect(imap.port)
    expect(await c.readToEnd()).toBe(BUSY)
    b.close()
    await eventually(() => limiter.countFor('127.0.0.1') === 1)
    const d = await connect(imap.port)
    expect(await d.readReply()).toBe('220 toy ESMTP')
  })

  test('implicit TLS: the refused client gets the busy line over TLS', async () => {
    const log = newToyLog()
    const listener = listen(log, { tls: 'implicit', limits: { maxConnections: 1 } })
    const a = await connect(listener.port, true)
    await a.readReply()
    const b = await connect(listener.port, true)
    expect(await b.readToEnd()).toBe(BUSY)
    expect(log.transports).toHaveLength(1)
  })
})

describe('idle timeout', () => {
  test('closes an idle connection (default: end) and reports "timeout"', async () => {
    const log = newToyLog()
    const listener = listen(log, { limits: { idleTimeoutMs: 200 } })
    const client = await connect(listener.port)
    expect(await client.readReply()).toBe('220 toy ESMTP')
    await client.closed
    await eventually(() => log.closes.length === 1)
    expect(log.closes).toEqual(['timeout'])
    expect(listener.connections).toBe(0)
  })

  test('a session handling onIdleTimeout can say goodbye first', async () => {
    const log = newToyLog()
    const listener = listen(log, { limits: { idleTimeoutMs: 200 } }, { handleIdle: true })
    const client = await connect(listener.port)
    expect(await client.readReply()).toBe('220 toy ESMTP')
    expect(await client.readReply()).toBe('421 4.4.2 Idle timeout')
    await client.closed
    await eventually(() => log.closes.length === 1)
    expect(log.closes).toEqual(['timeout'])
  })

  test('a TLS handshake that never starts is closed by the idle timeout', async () => {
    const log = newToyLog()
    const listener = listen(log, { tls: 'implicit', limits: { idleTimeoutMs: 200 } })
    const client = await connect(listener.port) // plain TCP: never sends a ClientHello
    await client.closed
    await eventually(() => listener.connections === 0)
    expect(log.transports).toHaveLength(0)
  })
})

describe('stop', () => {
  test('stop() refuses new connections and lets sessions say goodbye (onShutdown)', async () => {
    const log = newToyLog()
    const listener = startListener({
      name: 'toy',
      hostname: '127.0.0.1',
      port: 0,
      tls: 'none',
      factory: toyFactory(log, { handleShutdown: true }),
    })
    const client = await connect(listener.port)
    await client.readReply()
    await listener.stop({ graceMs: 5000 })
    expect(await client.readReply()).toBe('421 4.3.2 Shutting down')
    expect(listener.connections).toBe(0)
    expect(log.closes).toEqual(['server'])
    await expect(LineClient.connect(listener.port)).rejects.toThrow()
  })

  for (const tls of [false, true]) {
    test(`connections still open after the grace period are closed (${tls ? 'TLS' : 'plain'})`, async () => {
      const log = newToyLog()
      const listener = startListener({
        name: 'toy',
        hostname: '127.0.0.1',
        port: 0,
        tls: tls ? 'implicit' : 'none',
        tlsProvider: { current: () => pair },
        factory: toyFactory(log),
      })
      const client = await connect(listener.port, tls)
      await client.readReply()
      await listener.stop({ graceMs: 50 })
      await client.closed
      expect(listener.connections).toBe(0)
      await eventually(() => log.closes.length === 1)
      expect(log.closes).toEqual(['server'])
    })
  }
})
