// The queue runner end to end on loopback: the real outbound transport (createOutboundTransport,
// direct delivery) resolving MX through the fake DNS server and talking SMTP to the scriptable fake
// MX. Deferral then success after the MX recovers, a permanent failure and an expiry bouncing into
// the sender's INBOX as valid RFC 3464 reports, DKIM signatures (RSA 2048 and Ed25519) that
// mailauth verifies through the same DNS, and a returned DSN recognised against its queue entry.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import PostalMime from 'postal-mime'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import type { Config } from '../../../src/config/schema.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { dkimDnsRecords } from '../../../src/delivery/dkim/dkim-dns-records.ts'
import { parseDeliveryStatus } from '../../../src/delivery/dsn/parse-dsn.ts'
import { recordInboundDsn } from '../../../src/delivery/dsn/record-inbound-dsn.ts'
import { createOutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import type { QueueRunner } from '../../../src/delivery/queue/queue-runner.ts'
import { createQueueRunnerService } from '../../../src/delivery/queue/queue-runner-factory.ts'
import { createOutboundTransport } from '../../../src/delivery/transport/create-transport.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import { mailauthResolver } from '../../../src/security/dns/mailauth-resolver.ts'
import { createResolver, type Resolver } from '../../../src/security/dns/resolver.ts'
import type { CertificateStore } from '../../../src/security/tls/certificate-store.ts'
import { createStorage, INBOX, type Storage } from '../../../src/storage/index.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'
import { type FakeMx, startFakeMx } from '../../support/fake-mx.ts'

const HOUR = 3600_000
let dns: FakeDns
let mx: FakeMx
let dir: string
let storage: Storage
let resolver: Resolver
let annId: number
const clock = manualClock(Date.now())
let runner: QueueRunner | null = null

const zone = (extra: Record<string, { TXT: string[] }> = {}) => ({
  'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
  'mx.remote.test': { A: ['127.0.0.1'] },
  ...extra,
})

beforeAll(async () => {
  dns = await startFakeDns(zone())
  mx = await startFakeMx({ hostname: 'mx.remote.test' })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-delivery-'))
  storage = await createStorage({ dataDir: dir, clock })
  await storage.domains.add('local.test')
  annId = (await storage.accounts.create({ email: 'ann@local.test', password: 'correct horse battery staple' })).id
  resolver = createResolver({ servers: [dns.address], timeoutMs: 1000, clock })
})
afterEach(async () => {
  await runner?.stop(1000)
  runner = null
  mx.setRespond(undefined)
})
afterAll(async () => {
  await mx?.close()
  await dns?.close()
  storage?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function config(): Config {
  const c = profileDefaults('dev')
  c.hostname = 'mx.local.test'
  c.dataDir = dir
  c.dns.servers = [dns.address]
  c.delivery.direct.port = mx.port
  c.delivery.mtaSts.enabled = false
  c.delivery.tlsRpt.enabled = false
  c.delivery.connectTimeoutSeconds = 2
  c.queue.retryScheduleSeconds = [60, 300]
  c.queue.retryJitter = 0
  c.queue.maxAgeHours = 5
  c.queue.delayWarningHours = 0
  return c
}

async function startRunner(): Promise<{ deps: ServerDeps; runner: QueueRunner }> {
  const c = config()
  const deps: ServerDeps = {
    config: c,
    logger: silentLogger,
    clock,
    storage,
    certificates: null as unknown as CertificateStore, // the runner never touches certificates
    resolver,
    metrics: new MetricsRegistry(),
    loginThrottle: createLoginThrottle({ clock, failuresBeforeThrottle: 5 }),
    queue: createOutboundQueue({ storage, clock }),
  }
  const started = createQueueRunnerService(deps, createOutboundTransport(deps, c, { shuffle: hosts => hosts }))
  await started.start()
  runner = started
  return { deps, runner: started }
}

let counter = 0
function message(subject: string): { id: string; bytes: Uint8Array } {
  const id = `<q${++counter}-${Date.now()}@local.test>`
  const text =
    `From: Ann <ann@local.test>\r\nTo: <bob@remote.test>\r\nSubject: ${subject}\r\nMessage-ID: ${id}\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n${subject} body\r\n`
  return { id, bytes: new TextEncoder().encode(text) }
}

async function inbox(): Promise<string[]> {
  const box = await storage.mailboxes.get(annId, INBOX)
  const out: string[] = []
  for (const m of await storage.messages.list(box?.id ?? -1)) {
    const bytes = await storage.messages.readBytes(box?.id ?? -1, m.uid)
    if (bytes) out.push(new TextDecoder().decode(bytes))
  }
  return out
}

async function report(text: string) {
  const parsed = await PostalMime.parse(text)
  const part = parsed.attachments.find(a => a.mimeType === 'message/delivery-status')
  const body = part ? (typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content)) : ''
  return { parsed, fields: parseDeliveryStatus(body) }
}

const receivedIds = () =>
  mx.transactions.map(t => /^Message-ID: (.*)\r$/im.exec(new TextDecoder().decode(t.data))?.[1] ?? '')

describe('delivery through the real transport', () => {
  test('deferred while the MX answers 451, delivered once it recovers', async () => {
    const { deps, runner } = await startRunner()
    mx.setRespond(c => (c.verb === 'RCPT' ? '451 4.3.2 system not accepting messages' : undefined))
    const m = message('defer')
    const queued = await deps.queue.enqueue({
      sender: 'ann@local.test',
      recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
      content: m.bytes,
    })
    await runner.drain()
    const deferred = await deps.queue.get(queued.id)
    expect(deferred?.state).toBe('deferred')
    expect(deferred?.results['bob@remote.test']).toMatchObject({ code: 451, enhancedStatus: '4.3.2' })
    expect(receivedIds()).not.toContain(m.id)

    mx.setRespond(undefined) // the remote recovers
    clock.advance(60_000)
    await runner.drain()
    expect((await deps.queue.get(queued.id))?.state).toBe('delivered')
    expect(receivedIds().filter(id => id === m.id)).toHaveLength(1)
    expect(await inbox()).toEqual([])
  })

  test('a 550 bounces into the sender INBOX as a multipart/report with the remote diagnostic', async () => {
    const before = (await inbox()).length
    const { deps, runner } = await startRunner()
    mx.setRespond(c => (c.verb === 'RCPT' ? '550 5.1.1 <nobody@remote.test>: user unknown' : undefined))
    const queued = await deps.queue.enqueue({
      sender: 'ann@local.test',
      recipients: [{ address: 'nobody@remote.test', notify: null, orcpt: null }],
      content: message('bounce').bytes,
      envid: 'QX-1',
    })
    await runner.drain()
    expect((await deps.queue.get(queued.id))?.state).toBe('failed')
    const dsns = (await inbox()).slice(before)
    expect(dsns).toHaveLength(1)
    const { parsed, fields } = await report(dsns[0] ?? '')
    const type = parsed.headers.find(h => h.key === 'content-type')?.value ?? ''
    expect(type).toMatch(/^multipart\/report;/)
    expect(type).toContain('report-type=delivery-status')
    expect(fields[0]?.get('original-envelope-id')).toBe('QX-1')
    expect(fields[1]?.get('final-recipient')).toBe('rfc822; nobody@remote.test')
    expect(fields[1]?.get('action')).toBe('failed')
    expect(fields[1]?.get('status')).toBe('5.1.1')
    expect(fields[1]?.get('diagnostic-code')).toStartWith('smtp; 550 5.1.1')
    expect(fields[1]?.get('diagnostic-code')).toContain('user unknown')
    expect(fields[1]?.get('remote-mta')).toBe('dns; mx.remote.test')
  })

  test('an MX that keeps dropping the connection: the entry expires and bounces', async () => {
    const before = (await inbox()).length
    const { deps, runner } = await startRunner()
    mx.setRespond(() => 'drop')
    const queued = await deps.queue.enqueue({
      sender: 'ann@local.test',
      recipients: [{ address: 'bob@remote.test', notify: ['FAILURE'], orcpt: null }],
      content: message('expire').bytes,
    })
    await runner.drain()
    expect((await deps.queue.get(queued.id))?.state).toBe('deferred')
    clock.advance(6 * HOUR)
    runner.wake()
    await runner.drain()
    const entry = await deps.queue.get(queued.id)
    expect(entry?.state).toBe('failed')
    expect(entry?.results['bob@remote.test']?.diagnostic).toContain('delivery time expired')
    const dsns = (await inbox()).slice(before)
    expect(dsns).toHaveLength(1)
    const { fields } = await report(dsns[0] ?? '')
    expect(fields[1]?.get('action')).toBe('failed')
    expect(fields[1]?.get('status')).toMatch(/^4\./)
  })
})

describe('DKIM', () => {
  test('outbound mail carries RSA-2048 and Ed25519 signatures that mailauth verifies through DNS', async () => {
    const records = await dkimDnsRecords(storage, 'local.test', { clock })
    expect(records.map(r => r.algorithm).sort()).toEqual(['ed25519-sha256', 'rsa-sha256'])
    dns.setZone(zone(Object.fromEntries(records.map(r => [r.name, { TXT: [r.value] }]))))
    const { deps, runner } = await startRunner()
    const m = message('signed')
    await deps.queue.enqueue({
      sender: 'ann@local.test',
      recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
      content: m.bytes,
    })
    await runner.drain()
    const received = mx.transactions.find(t => new TextDecoder().decode(t.data).includes(m.id))
    expect(received).toBeDefined()
    const verified = await dkimVerify(Buffer.from(received?.data ?? new Uint8Array()), {
      resolver: mailauthResolver(resolver),
    } as unknown as Parameters<typeof dkimVerify>[1])
    const results = verified.results.map(r => ({
      algo: r.algo,
      domain: r.signingDomain,
      result: r.status.result,
    }))
    expect(results).toEqual(
      expect.arrayContaining([
        { algo: 'rsa-sha256', domain: 'local.test', result: 'pass' },
        { algo: 'ed25519-sha256', domain: 'local.test', result: 'pass' },
      ]),
    )
    expect(results).toHaveLength(2)
    // The RSA key is 2048 bits.
    const rsa = records.find(r => r.algorithm === 'rsa-sha256')
    const der = Buffer.from(/p=([A-Za-z0-9+/=]+)/.exec(rsa?.value ?? '')?.[1] ?? '', 'base64')
    const { createPublicKey } = await import('node:crypto')
    expect(createPublicKey({ key: der, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength).toBe(2048)
  })
})

test('a DSN returned later by the remote MX is recorded against the queue entry', async () => {
  const { deps, runner } = await startRunner()
  const m = message('late-bounce')
  const queued = await deps.queue.enqueue({
    sender: 'ann@local.test',
    recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
    content: m.bytes,
  })
  await runner.drain()
  expect((await deps.queue.get(queued.id))?.messageId).toBe(m.id)
  const remoteDsn =
    'From: MAILER-DAEMON@mx.remote.test\r\nTo: ann@local.test\r\nSubject: failure\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n' +
    '--b\r\nContent-Type: text/plain\r\n\r\nmailbox full\r\n' +
    '--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.remote.test\r\n\r\n' +
    'Final-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.2.2\r\n' +
    'Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\n' +
    `--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: ann@local.test\r\nMessage-ID: ${m.id}\r\n\r\n--b--\r\n`
  const matched = await recordInboundDsn(
    { queue: deps.queue, clock, logger: silentLogger },
    new TextEncoder().encode(remoteDsn),
  )
  expect(matched).toBe(1)
  const entry = await deps.queue.get(queued.id)
  expect(entry?.results['bob@remote.test']?.report).toMatchObject({
    action: 'failed',
    status: '5.2.2',
    reportingMta: 'mx.remote.test',
  })
})
