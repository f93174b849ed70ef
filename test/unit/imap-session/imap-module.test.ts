// The IMAP module as `serve` registers it: endpoints from config.imap.plain/tls, the busy message,
// and sessions that share one \Recent tracker across both endpoints.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { systemClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { protocolModules } from '../../../src/core/protocols.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { IMAP_BUSY_MESSAGE, imapEndpoints, imapModule } from '../../../src/imap/imap-module.ts'
import { MemoryTransport } from '../../../src/net/memory-transport.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import { type ImapFixture, imapFixture } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

function deps(configure: (config: ReturnType<typeof profileDefaults>) => void = () => {}): ServerDeps {
  const config = profileDefaults('production')
  config.hostname = 'mail.example.test'
  configure(config)
  return {
    config,
    logger: silentLogger,
    clock: systemClock,
    storage: f.storage,
    metrics: new MetricsRegistry(),
    loginThrottle: f.throttle,
    certificates: undefined as never,
    resolver: undefined as never,
    queue: undefined as never,
  }
}

test('registered in core/protocols.ts', () => {
  expect(protocolModules).toContain(imapModule)
})

test('143 with STARTTLS and 993 with implicit TLS', () => {
  const endpoints = imapEndpoints(deps())
  expect(endpoints.map(e => [e.name, e.port, e.tls, e.busyMessage])).toEqual([
    ['imap', 143, 'none', IMAP_BUSY_MESSAGE],
    ['imaps', 993, 'implicit', IMAP_BUSY_MESSAGE],
  ])
  expect(IMAP_BUSY_MESSAGE).toBe('* BYE Too many connections\r\n')
})

test('disabled listeners are left out', () => {
  expect(imapEndpoints(deps(c => (c.imap.plain.enabled = false))).map(e => e.name)).toEqual(['imaps'])
})

test('sessions greet with the configured host name and count connections per endpoint', async () => {
  const d = deps()
  const [plain, tls] = imapEndpoints(d)
  const a = new MemoryTransport()
  a.attach(plain?.factory ?? (() => ({ onData() {} })))
  const b = new MemoryTransport({ secure: true })
  b.attach(tls?.factory ?? (() => ({ onData() {} })))
  // The session code loads on the first connection (net/lazy-session-factory.ts): greetings follow.
  for (let i = 0; i < 200 && !(a.output().length > 0 && b.output().length > 0); i++) await Bun.sleep(5)
  expect(a.takeOutput()).toContain('STARTTLS LOGINDISABLED] mail.example.test IMAP4rev2 server ready')
  expect(b.takeOutput()).toContain('AUTH=PLAIN')
  expect(d.metrics.render()).toContain('imap_connections_total{endpoint="imaps"} 1')
})
