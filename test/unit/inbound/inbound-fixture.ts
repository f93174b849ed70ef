// Test fixture for the inbound pipeline: real storage in a temp dir, a memory (or fake-server)
// resolver, a manual clock, a real metrics registry and the dev profile's config.
import { createOutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import type { Config } from '../../../src/config/schema.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import { createMemoryResolver, type MemoryResolver } from '../../../src/security/dns/memory-resolver.ts'
import type { Resolver } from '../../../src/security/dns/resolver.ts'
import type { CertificateStore } from '../../../src/security/tls/certificate-store.ts'
import { createInboundPipeline, type InboundPipelineOptions } from '../../../src/smtp/inbound/pipeline.ts'
import type {
  AcceptedRecipient,
  InboundContext,
  InboundPipeline,
  MailFromInput,
  RcptToInput,
} from '../../../src/smtp/inbound/inbound-types.ts'
import type { Storage } from '../../../src/storage/index.ts'
import { type Fixture, storageFixture, testPasswordHash } from '../storage/storage-fixture.ts'

export const HOSTNAME = 'mx.local.test'

export interface InboundFixture {
  fx: Fixture
  storage: Storage
  deps: ServerDeps
  resolver: Resolver
  memory: MemoryResolver
  metrics: MetricsRegistry
  config: Config
  pipeline: InboundPipeline
  /** A pipeline over the same deps with other options or deps (injected failures, other config). */
  pipelineWith(options: InboundPipelineOptions, overrides?: Partial<ServerDeps>): InboundPipeline
  /** Create an account with the shared test password hash; returns its id. */
  account(email: string, options?: { quotaBytes?: number }): Promise<number>
  cleanup(): void
}

export async function inboundFixture(
  options: { resolver?: Resolver; configure?: (c: Config) => void } = {},
): Promise<InboundFixture> {
  const fx = await storageFixture()
  const config = profileDefaults('dev')
  config.hostname = HOSTNAME
  config.dataDir = fx.dir
  options.configure?.(config)
  const memory = createMemoryResolver({})
  const resolver = options.resolver ?? memory
  const metrics = new MetricsRegistry()
  const clock = manualClock(Date.UTC(2026, 0, 2, 3, 4, 5))
  const deps: ServerDeps = {
    config,
    logger: silentLogger,
    clock,
    storage: fx.storage,
    // The pipeline never touches certificates.
    certificates: null as unknown as CertificateStore,
    resolver,
    metrics,
    loginThrottle: createLoginThrottle({ clock: manualClock(0), failuresBeforeThrottle: 5 }),
    queue: createOutboundQueue({ storage: fx.storage, clock }),
  }
  return {
    fx,
    storage: fx.storage,
    deps,
    resolver,
    memory,
    metrics,
    config,
    pipeline: createInboundPipeline(deps),
    pipelineWith: (o, overrides = {}) => createInboundPipeline({ ...deps, ...overrides }, o),
    async account(email, o = {}) {
      const hash = await testPasswordHash()
      const created = await fx.storage.accounts.create({ email, passwordHash: hash, quotaBytes: o.quotaBytes ?? null })
      return created.id
    },
    cleanup: () => fx.cleanup(),
  }
}

export const context = (over: Partial<InboundContext> = {}): InboundContext => ({
  cid: 'c0ffee',
  port: 'mx',
  remoteAddress: '192.0.2.10',
  remotePort: 40000,
  helo: 'client.example.org',
  esmtp: true,
  tls: null,
  auth: null,
  trap: false,
  ...over,
})

export const mailFrom = (address: string, over: Partial<MailFromInput> = {}): MailFromInput => ({
  address,
  size: null,
  body: null,
  smtputf8: false,
  ret: null,
  envid: null,
  requireTls: false,
  ...over,
})

export const rcptTo = (address: string, over: Partial<RcptToInput> = {}): RcptToInput => ({
  address,
  notify: null,
  orcpt: null,
  ...over,
})

export const bytes = (text: string) => new TextEncoder().encode(text)
export const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** MAIL, every RCPT, DATA through the pipeline, like the session does; returns the replies. */
export async function transaction(
  pipeline: InboundPipeline,
  ctx: InboundContext,
  from: MailFromInput,
  recipients: readonly string[],
  message: Uint8Array,
) {
  const mail = await pipeline.mailFrom(ctx, from)
  const rcpt: { address: string; code: number; enhanced: string | null }[] = []
  const accepted: AcceptedRecipient[] = []
  if (mail.ok) {
    for (const address of recipients) {
      const r = await pipeline.rcptTo(ctx, from, rcptTo(address), accepted)
      rcpt.push({ address, code: r.reply.code, enhanced: r.reply.enhanced })
      if (r.ok) accepted.push(r.recipient)
    }
  }
  const data = accepted.length > 0 ? await pipeline.deliver(ctx, from, accepted, message) : null
  return { mail, rcpt, accepted, data }
}

export const sampleMessage = (subject = 'hello', extraHeaders = '') =>
  bytes(
    `From: Ann <ann@sender.example>\r\nTo: bob@local.test\r\nSubject: ${subject}\r\n${extraHeaders}` +
      `Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <${subject}@sender.example>\r\n\r\nHello Bob.\r\n\r\n.. dotted\r\nbye\r\n`,
  )
