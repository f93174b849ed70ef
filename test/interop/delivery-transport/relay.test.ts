// Smarthost delivery: AUTH PLAIN over STARTTLS and over implicit TLS (port 465), the relay's
// certificate verified against the test CA, refused credentials, and a relay without STARTTLS.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import type { Config } from '../../../src/config/schema.ts'
import { type FakeMx, startFakeMx } from '../../support/fake-mx.ts'
import type { PemPair } from '../../support/test-ca.ts'
import { type DeliveryFixture, makeAttempt, startDeliveryFixture } from './support/delivery-fixture.ts'

let fx: DeliveryFixture
let relayCert: PemPair
const servers: FakeMx[] = []
const AUTH = { username: 'relay-user', password: 'p@ss wörd' }

beforeAll(async () => {
  fx = await startDeliveryFixture({ 'smarthost.example.test': { A: ['127.0.0.1'] } })
  relayCert = await fx.ca.issue(['smarthost.example.test'])
})
afterAll(async () => {
  await fx.close()
})
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

const relay = async (options: Parameters<typeof startFakeMx>[0]) => {
  const server = await startFakeMx({ hostname: 'smarthost.example.test', auth: AUTH, ...options })
  servers.push(server)
  return server
}

const relayConfig = (port: number, change?: (r: Config['delivery']['relay']) => void) =>
  fx.config(c => {
    c.delivery.method = 'relay'
    c.delivery.relay = { host: 'smarthost.example.test', port, ...AUTH, tls: 'starttls', verifyCertificate: true }
    change?.(c.delivery.relay)
  })

describe('relay', () => {
  test('STARTTLS + AUTH PLAIN: delivered through the smarthost, credentials only inside TLS', async () => {
    const server = await relay({ tls: relayCert })
    const transport = fx.transport(relayConfig(server.port))
    expect(transport.name).toBe('relay')
    const results = await transport.deliver(makeAttempt(['bob@far-away.test', 'carol@far-away.test']))
    expect(results.map(r => [r.status, r.remoteMta])).toEqual([
      ['delivered', 'smarthost.example.test'],
      ['delivered', 'smarthost.example.test'],
    ])
    expect(server.transactions[0]).toMatchObject({ tls: true, authUser: 'relay-user' })
    expect(server.commands.filter(c => c.line.startsWith('AUTH')).every(c => c.tls)).toBe(true)
    // The connection is reused for the next message (AUTH once).
    await transport.deliver(makeAttempt(['dave@far-away.test']))
    expect(server.connectionCount).toBe(1)
    expect(server.commands.filter(c => c.line.startsWith('AUTH'))).toHaveLength(1)
  })

  test('implicit TLS (port 465) + AUTH PLAIN', async () => {
    const server = await relay({ tls: relayCert, implicitTls: true })
    const transport = fx.transport(relayConfig(server.port, r => (r.tls = 'implicit')))
    const [result] = await transport.deliver(makeAttempt(['bob@far-away.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]).toMatchObject({ tls: true, authUser: 'relay-user' })
  })

  test('AUTH LOGIN when PLAIN is not offered', async () => {
    const server = await relay({ tls: relayCert, extensions: ['PIPELINING', 'AUTH LOGIN'] })
    const [result] = await fx.transport(relayConfig(server.port)).deliver(makeAttempt(['bob@far-away.test']))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.authUser).toBe('relay-user')
    expect(server.commands.map(c => c.line)).toContain('AUTH LOGIN')
  })

  test('REQUIRETLS needs a verified TLS connection to the relay', async () => {
    const server = await relay({ extensions: ['PIPELINING', 'REQUIRETLS'] })
    const transport = fx.transport(relayConfig(server.port, r => (r.tls = 'none')))
    const [refused] = await transport.deliver(makeAttempt(['bob@far-away.test'], { requireTls: true }))
    expect(refused).toMatchObject({ status: 'failed', enhancedStatus: '5.7.30' })
    const [plain] = await transport.deliver(makeAttempt(['bob@far-away.test']))
    expect(plain?.status).toBe('delivered')
    expect(server.transactions).toHaveLength(1)
  })

  test('refused credentials defer (a configuration problem, not the message)', async () => {
    const server = await relay({ tls: relayCert })
    const transport = fx.transport(relayConfig(server.port, r => (r.password = 'wrong')))
    const [result] = await transport.deliver(makeAttempt(['bob@far-away.test']))
    expect(result).toMatchObject({ status: 'deferred', code: 535, enhancedStatus: '4.7.8' })
    expect(server.transactions).toHaveLength(0)
  })

  test('a relay certificate the trust store does not accept: deferred, no AUTH sent', async () => {
    const server = await relay({ tls: await fx.ca.issue(['someone-else.example.test']) })
    const [result] = await fx.transport(relayConfig(server.port)).deliver(makeAttempt(['bob@far-away.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.5' })
    expect(server.commands.some(c => c.line.startsWith('AUTH'))).toBe(false)
  })

  test('STARTTLS required but not offered: deferred without AUTH in clear', async () => {
    const server = await relay({})
    const [result] = await fx.transport(relayConfig(server.port)).deliver(makeAttempt(['bob@far-away.test']))
    expect(result).toMatchObject({ status: 'deferred' })
    expect(server.commands.some(c => c.line.startsWith('AUTH'))).toBe(false)
  })

  test('per-recipient replies from the relay are kept', async () => {
    const server = await relay({
      tls: relayCert,
      respond: c => (c.verb === 'RCPT' && c.line.includes('nobody@') ? '550 5.1.1 unknown' : undefined),
    })
    const results = await fx
      .transport(relayConfig(server.port))
      .deliver(makeAttempt(['nobody@far-away.test', 'bob@far-away.test']))
    expect(results.map(r => r.status)).toEqual(['failed', 'delivered'])
  })
})
