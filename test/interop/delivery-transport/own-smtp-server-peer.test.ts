// Our SMTP client against our own SMTP server (src/smtp, the endpoints `serve` builds) as a realistic
// remote MX: EHLO/STARTTLS/PIPELINING/CHUNKING as the server offers them, a verified certificate,
// per-recipient replies, and several messages over one reused connection.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { trustStoreFromPem } from '../../../src/delivery/smtp-client/trust-store.ts'
import { HOST, type SmtpTestServer, startSmtpTestServer } from '../smtp/support/smtp-test-server.ts'
import { type DeliveryFixture, makeAttempt, startDeliveryFixture } from './support/delivery-fixture.ts'

let fx: DeliveryFixture
let server: SmtpTestServer

beforeAll(async () => {
  server = await startSmtpTestServer()
  fx = await startDeliveryFixture({
    'example.test': { MX: [{ exchange: HOST, priority: 10 }] },
    [HOST]: { A: ['127.0.0.1'] },
  })
})
afterAll(async () => {
  await fx.close()
  await server.stop()
})

test('verified STARTTLS, per-recipient results and connection reuse with our own server', async () => {
  const config = fx.config(c => {
    c.delivery.direct.port = server.ports.mx
    c.delivery.direct.verifyDomains = ['example.test']
  })
  // Our server's self-signed certificate is the trust anchor here.
  const transport = fx.transport(config, { trust: trustStoreFromPem([server.ca]) })
  const first = makeAttempt(['bob@example.test', 'nobody@example.test', 'carol@example.test'])
  const results = await transport.deliver(first)
  expect(results.map(r => [r.address, r.status, r.code, r.enhancedStatus])).toEqual([
    ['bob@example.test', 'delivered', 250, '2.0.0'],
    ['nobody@example.test', 'failed', 550, '5.1.1'],
    ['carol@example.test', 'delivered', 250, '2.0.0'],
  ])
  const delivery = server.pipeline.deliveries[0]
  expect(delivery?.recipients).toEqual(['bob@example.test', 'carol@example.test'])
  expect(delivery?.ctx.tls).toBeTruthy()
  expect(new TextDecoder().decode(delivery?.message)).toContain('\r\n.starts with a dot\r\n')

  const second = await transport.deliver(makeAttempt(['bob@example.test']))
  expect(second[0]?.status).toBe('delivered')
  expect(server.pipeline.deliveries).toHaveLength(2)
  // Both messages came over one connection.
  const connections = new Set(server.pipeline.deliveries.map(d => d.ctx.cid))
  expect(connections.size).toBe(1)
  expect(server.pipeline.deliveries[1]?.ctx.helo).toBe('sender.example.test')
})
