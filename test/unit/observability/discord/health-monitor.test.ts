// The monitor against a local webhook stub, with real storage, queue and certificate store, driven
// by a manual clock: each alert kind fires once per incident and once more when it resolves.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { readDiskStats } from '../../../../src/observability/disk-stats.ts'
import { createDiscordWebhook, type DiscordWebhook } from '../../../../src/observability/discord/discord-webhook.ts'
import type { HealthThresholds } from '../../../../src/observability/discord/health-checks.ts'
import { createHealthMonitor, type HealthMonitor } from '../../../../src/observability/discord/health-monitor.ts'
import {
  createHealthMonitorService,
  healthSourcesFrom,
} from '../../../../src/observability/discord/health-monitor-service.ts'
import { createTestDeps, type TestDeps } from '../support/server-deps.ts'
import { startWebhookStub, type WebhookStub } from './support/webhook-stub.ts'

const DAY = 86_400_000

let stub: WebhookStub
let t: TestDeps
let webhook: DiscordWebhook
let monitor: HealthMonitor
let thresholds: HealthThresholds
let sleeps: number[]
let databaseDown: boolean

beforeEach(async () => {
  stub = startWebhookStub()
  t = await createTestDeps()
  const { discordWebhookUrl: _, ...defaults } = t.deps.config.monitoring
  // The real disk of the test machine may be fuller than 85 %; disk tests lower this on purpose.
  thresholds = {
    ...defaults,
    diskWarnPercent: 100,
    diskCriticalPercent: 100,
    heartbeatIntervalSeconds: 0,
    queueBacklogMessages: 2,
  }
  sleeps = []
  databaseDown = false
  webhook = createDiscordWebhook({
    url: stub.url,
    clock: t.clock,
    sleep: async ms => {
      sleeps.push(ms)
      t.clock.advance(ms)
    },
    maxPerMinute: 1000,
  })
  const real = healthSourcesFrom(t.deps)
  monitor = createHealthMonitor({
    webhook,
    sources: {
      ...real,
      // The storage write check, with a switch to make it fail (a real broken disk is not available in tests).
      checkDatabase: () =>
        databaseDown ? Promise.reject(new Error('SQLITE_IOERR: disk I/O error')) : real.checkDatabase(),
    },
    thresholds: () => thresholds,
    clock: t.clock,
    serverName: 'mail.example.test',
    version: 'test',
  })
})

afterEach(async () => {
  t.close()
  await stub.stop()
})

/** One check cycle; returns the titles it posted. */
async function tick(): Promise<string[]> {
  const before = stub.delivered.length
  await monitor.tick()
  await webhook.idle()
  return stub.delivered.slice(before)
}

const connections = (n: number) => t.deps.metrics.gauge('imap_active_connections', '').set(n, { endpoint: 'imaps' })

describe('Discord health monitor', () => {
  test('startup message, silence while healthy, shutdown message', async () => {
    await monitor.start()
    await webhook.idle()
    expect(stub.delivered).toEqual(['Server Started'])
    const started = stub.requests[0]?.embeds[0]
    expect(started?.color).toBe(0x2ecc71)
    expect(started?.fields?.find(f => f.name === 'Domain')?.value).toBe('mail.example.test')
    expect(started?.fields?.find(f => f.name === 'Max Connections')?.value).toBe('5000')
    expect(started?.footer.text).toBe('mail.example.test')
    expect(await tick()).toEqual([])
    expect(await tick()).toEqual([])
    await monitor.stop(1000)
    expect(stub.delivered).toEqual(['Server Started', 'Server Shutting Down'])
  })

  test('connections: once per incident, once on escalation, once resolved', async () => {
    connections(3800) // 76 % of 5000
    expect(await tick()).toEqual(['Connection Capacity Warning'])
    expect(await tick()).toEqual([])
    connections(4600) // 92 %
    expect(await tick()).toEqual(['Connection Capacity Critical'])
    expect(await tick()).toEqual([])
    connections(10)
    expect(await tick()).toEqual(['Connection Capacity Normal'])
    expect(await tick()).toEqual([])
  })

  test('database: alert after three failed checks in a row, recovered once it works again', async () => {
    databaseDown = true
    expect(await tick()).toEqual([])
    expect(await tick()).toEqual([])
    expect(await tick()).toEqual(['Database Unreachable'])
    expect(stub.requests.at(-1)?.embeds[0]?.fields?.find(f => f.name === 'Error')?.value).toContain('SQLITE_IOERR')
    expect(await tick()).toEqual([])
    databaseDown = false
    expect(await tick()).toEqual(['Database Recovered'])
    expect(await tick()).toEqual([])
  })

  test('certificate: warning at 14 days, critical at 7, renewed clears it', async () => {
    const notAfter = t.deps.certificates.info().notAfter.getTime()
    t.clock.set(notAfter - 10 * DAY)
    expect(await tick()).toEqual(['TLS Certificate Expiry Warning'])
    expect(await tick()).toEqual([])
    t.clock.set(notAfter - 3 * DAY)
    expect(await tick()).toEqual(['TLS Certificate Expiring Soon!'])
    // The self-signed certificate renews itself within 30 days of expiry (certificate store).
    expect(await t.deps.certificates.reload()).toBe(true)
    expect(await tick()).toEqual(['TLS Certificate Renewed'])
  })

  test('disk: alert when usage crosses the threshold, resolved below it', async () => {
    const used = (await readDiskStats(t.dir)).usedPercent
    expect(used).toBeGreaterThan(0)
    thresholds = { ...thresholds, diskWarnPercent: used / 2 }
    expect(await tick()).toEqual(['Disk Space Warning'])
    expect(await tick()).toEqual([])
    thresholds = { ...thresholds, diskWarnPercent: 100 }
    expect(await tick()).toEqual(['Disk Space Normal'])
  })

  test('queue backlog from the real outbound queue', async () => {
    const enqueue = () =>
      t.deps.queue.enqueue({
        sender: 'ann@example.test',
        recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
        content: new TextEncoder().encode('Subject: x\r\n\r\nx\r\n'),
      })
    const first = await enqueue()
    expect(await tick()).toEqual([])
    await enqueue()
    expect(await tick()).toEqual(['Outbound Queue Backlog'])
    expect(await tick()).toEqual([])
    await t.deps.queue.remove(first.id)
    expect(await tick()).toEqual(['Outbound Queue Cleared'])
  })

  test('an old message alone is a backlog too (queueMaxAgeMinutes)', async () => {
    thresholds = { ...thresholds, queueMaxAgeMinutes: 30 }
    await t.deps.queue.enqueue({
      sender: '',
      recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
      content: new TextEncoder().encode('x\r\n'),
    })
    expect(await tick()).toEqual([])
    t.clock.advance(31 * 60_000)
    expect(await tick()).toEqual(['Outbound Queue Backlog'])
  })

  test('heartbeat on its interval, counted from start', async () => {
    thresholds = { ...thresholds, heartbeatIntervalSeconds: 3600 }
    await monitor.start()
    await webhook.idle()
    t.clock.advance(3_599_000)
    expect(await tick()).toEqual([])
    t.clock.advance(1000)
    expect(await tick()).toEqual(['Heartbeat'])
    expect(stub.requests.at(-1)?.embeds[0]?.fields?.find(f => f.name === 'Uptime')?.value).toBe('1h 0m')
    expect(await tick()).toEqual([])
    t.clock.advance(3_600_000)
    expect(await tick()).toEqual(['Heartbeat'])
  })

  test('a 429 from Discord is waited out (retry_after) and the alert still arrives once', async () => {
    stub.respondWith({ status: 429, body: { message: 'You are being rate limited.', retry_after: 2.5, global: false } })
    connections(4000)
    expect(await tick()).toEqual(['Connection Capacity Warning'])
    expect(sleeps).toEqual([2500])
    expect(stub.requests).toHaveLength(2)
    expect(await tick()).toEqual([])
  })
})

describe('health monitor service', () => {
  test('without a webhook URL the monitor is off: nothing is posted', async () => {
    const posted: string[] = []
    const service = createHealthMonitorService(t.deps, {
      fetch: (async (url: string) => {
        posted.push(url)
        return new Response(null, { status: 204 })
      }) as unknown as typeof fetch,
    })
    await service.start()
    await service.stop(100)
    expect(posted).toEqual([])
    expect(stub.requests).toEqual([])
  })

  test('with a webhook URL: "Server Started" at start, "Server Shutting Down" at stop', async () => {
    t.deps.config.monitoring.discordWebhookUrl = stub.url
    const service = createHealthMonitorService(t.deps)
    await service.start()
    await service.stop(2000)
    expect(stub.delivered).toEqual(['Server Started', 'Server Shutting Down'])
  })
})
