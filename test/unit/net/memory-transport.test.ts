// The in-memory transport used by session tests: a round trip with the toy session, STARTTLS
// behaviour that matches the socket transport, backpressure, idle timeout and close reasons.
import { describe, expect, test } from 'bun:test'
import { MemoryTransport, createMemoryConnection } from '../../../src/net/memory-transport.ts'
import type { Session } from '../../../src/net/transport.ts'
import { createToySession, newToyLog } from './helpers/toy-session.ts'

describe('MemoryTransport', () => {
  test('round trip: feed commands, read replies, close reason', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log))
    expect(transport.takeOutput()).toBe('220 toy ESMTP\r\n')
    transport.feed('EHLO a\r\nNOOP x\r\n')
    expect(transport.takeOutput()).toBe('250-toy\r\n250-STARTTLS\r\n250 SIZE 1000000\r\n250 2.0.0 NOOP x (plain)\r\n')
    transport.feed('QUIT\r\n')
    expect(transport.takeOutput()).toBe('221 2.0.0 Bye\r\n')
    expect(transport.closed).toBe(true)
    expect(transport.closeReason).toBe('server')
    await transport.tick()
    expect(log.closes).toEqual(['server'])
    transport.feed('NOOP after close\r\n')
    expect(log.executed).not.toContain('plain:NOOP after close')
    expect(transport.output()).toContain('221 2.0.0 Bye')
  })

  test('STARTTLS: secure after the simulated handshake, session reset, injected command caught', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log))
    transport.feed('STARTTLS\r\nNOOP injected\r\n')
    expect(transport.secure).toBe(false)
    await transport.tick()
    expect(transport.secure).toBe(true)
    expect(transport.tlsInfo?.protocol).toBe('TLSv1.3')
    expect(log.tlsStarted).toBe(1)
    expect(transport.writesDuringTlsNegotiation).toHaveLength(0)
    expect(log.executed).toEqual(['plain:STARTTLS'])
    transport.feed('NOOP y\r\n')
    expect(transport.takeOutput()).toContain('250 2.0.0 NOOP y (tls)')
  })

  test('a naive session that answers behind STARTTLS is recorded, not delivered', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log, { clearOnStartTls: false }))
    transport.takeOutput()
    transport.feed('STARTTLS\r\nNOOP injected\r\n')
    expect(transport.takeOutput()).toBe('220 2.0.0 Ready to start TLS\r\n')
    expect(transport.writesDuringTlsNegotiation).toHaveLength(1)
    await transport.tick()
    expect(transport.takeOutput()).toBe('')
  })

  test('input fed while TLS is negotiating is discarded', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log))
    transport.feed('STARTTLS\r\n')
    transport.feed('NOOP plaintext\r\n')
    expect(transport.discardedInput).toBe('NOOP plaintext\r\n'.length)
    await transport.tick()
    expect(log.executed).toEqual(['plain:STARTTLS'])
  })

  test('startTls() rejects without a certificate, and when already secure', async () => {
    const noCert = new MemoryTransport({ tlsAvailable: false })
    await expect(noCert.startTls()).rejects.toThrow('TLS not available')
    const secure = new MemoryTransport({ secure: true })
    expect(secure.tlsInfo).toBeDefined()
    await expect(secure.startTls()).rejects.toThrow('already active')
  })

  test('held output: queuedBytes grows, the handshake waits for it, end() completes after release', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log))
    transport.holdOutput()
    transport.feed('STARTTLS\r\n')
    expect(transport.queuedBytes).toBeGreaterThan(0)
    await transport.tick()
    expect(transport.secure).toBe(false) // the 220 has not been read yet
    transport.releaseOutput()
    await transport.tick()
    expect(transport.secure).toBe(true)
    transport.holdOutput()
    transport.feed('QUIT\r\n')
    expect(transport.closed).toBe(false)
    transport.releaseOutput()
    expect(transport.closed).toBe(true)
    expect(transport.output().endsWith('221 2.0.0 Bye\r\n')).toBe(true)
  })

  test('idle timeout: default end() and a session handler both report "timeout"', async () => {
    const plain: Session = { onData() {} }
    const a = new MemoryTransport()
    a.attach(() => plain)
    a.idleTimeout()
    expect(a.closeReason).toBe('timeout')

    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log, { handleIdle: true }))
    transport.idleTimeout()
    expect(transport.output()).toContain('421 4.4.2 Idle timeout')
    expect(transport.closeReason).toBe('timeout')
    await transport.tick()
    expect(log.closes).toEqual(['timeout'])
  })

  test('clientClose reports "client"; setIdleTimeout is recorded', async () => {
    const log = newToyLog()
    const { transport } = createMemoryConnection(t => createToySession(t, log))
    transport.setIdleTimeout(1234)
    expect(transport.idleTimeoutMs).toBe(1234)
    transport.clientClose()
    await transport.tick()
    expect(log.closes).toEqual(['client'])
  })
})
