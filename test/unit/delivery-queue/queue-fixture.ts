// Fixture for queue-runner unit tests: real storage in a temp dir, a manual clock, the real queue,
// DSN notifier and DKIM signer, and an in-process OutboundTransport whose answers each test scripts
// (the transport is not what these tests are about; test/interop/delivery-queue uses a real SMTP peer).
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { createDkimSigner } from '../../../src/delivery/dkim/dkim-signer.ts'
import { createSenderNotifier } from '../../../src/delivery/dsn/notify-sender.ts'
import {
  createOutboundQueue,
  type EnqueueInput,
  type OutboundQueue,
} from '../../../src/delivery/queue/outbound-queue.ts'
import { createQueueMetrics, type QueueMetrics } from '../../../src/delivery/queue/queue-metrics.ts'
import {
  createQueueRunner,
  type QueueRunner,
  type QueueRunnerOptions,
} from '../../../src/delivery/queue/queue-runner.ts'
import type {
  OutboundAttempt,
  OutboundTransport,
  RecipientResult,
} from '../../../src/delivery/transport/outbound-transport.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import { INBOX, type Storage } from '../../../src/storage/index.ts'
import { type Fixture, storageFixture, testPasswordHash } from '../storage/storage-fixture.ts'

export const HOSTNAME = 'mx.local.test'
export const START = Date.UTC(2026, 0, 2, 3, 4, 5)
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

export type Script = (attempt: OutboundAttempt) => RecipientResult[] | Promise<RecipientResult[]>

export const reply =
  (status: RecipientResult['status'], code: number | null, enhancedStatus: string, diagnostic = 'scripted') =>
  (attempt: OutboundAttempt): RecipientResult[] =>
    attempt.recipients.map(r => ({
      address: r.address,
      status,
      code,
      enhancedStatus,
      diagnostic: code === null ? diagnostic : `${code} ${enhancedStatus} ${diagnostic}`,
      remoteMta: code === null ? null : `mx.${attempt.domain}`,
    }))
export const accept = reply('delivered', 250, '2.0.0', 'ok')
export const tempFail = reply('deferred', 451, '4.3.0', 'try later')
export const permFail = reply('failed', 550, '5.1.1', 'no such user')
export const unreachable = reply('deferred', null, '4.4.1', 'connection refused')

export interface ScriptedTransport extends OutboundTransport {
  attempts: OutboundAttempt[]
  script: Script
  closed: boolean
}

export function scriptedTransport(script: Script = accept): ScriptedTransport {
  const t: ScriptedTransport = {
    name: 'scripted',
    attempts: [],
    script,
    closed: false,
    async deliver(attempt) {
      t.attempts.push(attempt)
      return t.script(attempt)
    },
    async close() {
      t.closed = true
    },
  }
  return t
}

export const defaultOptions: QueueRunnerOptions = {
  concurrency: 10,
  concurrencyPerDomain: 3,
  scheduleSeconds: [60, 300, 900],
  jitter: 0,
  maxAgeMs: 5 * 24 * HOUR,
  delayWarningMs: 4 * HOUR,
  pollIntervalMs: 50,
  keepFinishedMs: 7 * 24 * HOUR,
}

export interface QueueFixture {
  fx: Fixture
  storage: Storage
  clock: ReturnType<typeof manualClock>
  queue: OutboundQueue
  transport: ScriptedTransport
  metrics: QueueMetrics
  registry: MetricsRegistry
  runner: QueueRunner
  /** A new runner over the same storage (a restart). */
  restart(options?: Partial<QueueRunnerOptions>): Promise<QueueRunner>
  /** Local account ann@local.test (the usual sender); returns its id. */
  ann: number
  enqueue(input?: Partial<EnqueueInput>): Promise<string>
  /** Messages in ann's INBOX, as text. */
  inbox(accountId?: number): Promise<string[]>
  cleanup(): Promise<void>
}

const encoder = new TextEncoder()
export const message = (id = 'm1', extra = '') =>
  encoder.encode(
    `From: Ann <ann@local.test>\r\nTo: <bob@remote.test>\r\nSubject: test ${id}\r\nMessage-ID: <${id}@local.test>\r\n` +
      `Date: Fri, 2 Jan 2026 03:04:05 +0000\r\n${extra}\r\nHello ${id}\r\n`,
  )

export async function queueFixture(
  options: Partial<QueueRunnerOptions> = {},
  script: Script = accept,
): Promise<QueueFixture> {
  const clock = manualClock(START)
  const fx = await storageFixture({ clock })
  const storage = fx.storage
  await storage.domains.add('local.test')
  const ann = (await storage.accounts.create({ email: 'ann@local.test', passwordHash: await testPasswordHash() })).id
  const queue = createOutboundQueue({ storage, clock })
  const transport = scriptedTransport(script)
  const registry = new MetricsRegistry()
  const metrics = createQueueMetrics(registry)
  const runners: QueueRunner[] = []
  const build = (o: Partial<QueueRunnerOptions>) => {
    const merged = { ...defaultOptions, ...options, ...o }
    const runner = createQueueRunner({
      queue,
      transport,
      signer: createDkimSigner({ storage, clock }),
      notifier: createSenderNotifier({
        storage,
        queue,
        logger: silentLogger,
        clock,
        hostname: HOSTNAME,
        maxOriginalBytes: 10_000,
        expiresAt: e => e.createdAt + merged.maxAgeMs,
        onSent: (action, destination) => metrics.dsn.inc({ action, destination }),
      }),
      clock,
      logger: silentLogger,
      metrics,
      options: merged,
      random: () => 0.5,
    })
    runners.push(runner)
    return runner
  }
  const runner = build({})
  await runner.start()
  return {
    fx,
    storage,
    clock,
    queue,
    transport,
    metrics,
    registry,
    runner,
    ann,
    async restart(o = {}) {
      const next = build(o)
      await next.start()
      return next
    },
    async enqueue(input = {}) {
      const queued = await queue.enqueue({
        sender: 'ann@local.test',
        recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
        content: message(),
        ...input,
      })
      return queued.id
    },
    async inbox(accountId = ann) {
      const box = await storage.mailboxes.get(accountId, INBOX)
      if (!box) return []
      const out: string[] = []
      for (const m of await storage.messages.list(box.id)) {
        const bytes = await storage.messages.readBytes(box.id, m.uid)
        if (bytes) out.push(new TextDecoder().decode(bytes))
      }
      return out
    },
    async cleanup() {
      for (const r of runners) await r.stop(0)
      fx.cleanup()
    },
  }
}
