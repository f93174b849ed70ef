// The SMTP endpoints as `serve` builds them (smtpEndpoints + the mail listener service, real sockets
// on 127.0.0.1 port 0, a certificate store holding a self-signed certificate, real storage for AUTH),
// over the in-memory pipeline so these tests do not depend on src/smtp/inbound.
import { createOutboundQueue } from '../../../../src/delivery/queue/outbound-queue.ts'
import { createLoginThrottle } from '../../../../src/auth/login-throttle.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../../../../src/core/clock.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import { createMailListenerService } from '../../../../src/core/mail-listener-service.ts'
import type { ServerDeps } from '../../../../src/core/server-deps.ts'
import { profileDefaults } from '../../../../src/config/profile-defaults.ts'
import type { Config } from '../../../../src/config/schema.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { createMemoryResolver } from '../../../../src/security/dns/memory-resolver.ts'
import { createCertificateStore } from '../../../../src/security/tls/certificate-store.ts'
import { smtpEndpoints } from '../../../../src/smtp/session/smtp-endpoints.ts'
import { createStorage } from '../../../../src/storage/index.ts'
import { MemoryPipeline, type MemoryPipelineOptions } from '../../../unit/smtp-session/support/memory-pipeline.ts'

export const HOST = 'mx.example.test'
export const ANN = { email: 'ann@example.test', password: 'correct horse battery staple' }

export interface SmtpTestServer {
  ports: { mx: number; submission: number; submissions: number }
  /** PEM of the self-signed certificate, for clients that verify it. */
  ca: string
  caFile: string
  pipeline: MemoryPipeline
  metrics: MetricsRegistry
  dir: string
  stop(): Promise<void>
}

export async function startSmtpTestServer(
  options: {
    smtp?: Partial<Config['smtp']>
    limits?: Partial<Config['limits']>
    pipeline?: MemoryPipelineOptions
  } = {},
): Promise<SmtpTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-interop-'))
  const config = profileDefaults('dev')
  config.hostname = HOST
  config.dataDir = dir
  config.bind = ['127.0.0.1']
  config.smtp = {
    ...config.smtp,
    mx: { enabled: true, port: 0 },
    submission: { enabled: true, port: 0 },
    submissions: { enabled: true, port: 0 },
    maxMessageSize: 20 * 1024 * 1024,
    ...options.smtp,
  }
  // Interop clients log in many times from 127.0.0.1; throttling has its own tests.
  config.limits = { ...config.limits, authFailuresBeforeThrottle: 1000, ...options.limits }
  const storage = await createStorage({ dataDir: dir, hostname: 'test.example' })
  await storage.domains.add('example.test')
  await storage.accounts.create({ email: ANN.email, password: ANN.password })
  const certificates = await createCertificateStore({
    certFile: '',
    keyFile: '',
    hostname: HOST,
    dataDir: dir,
    watchIntervalMs: 0,
  })
  const metrics = new MetricsRegistry()
  const deps: ServerDeps = {
    config,
    logger: silentLogger,
    clock: systemClock,
    storage,
    certificates,
    resolver: createMemoryResolver(),
    metrics,
    loginThrottle: createLoginThrottle({
      clock: systemClock,
      failuresBeforeThrottle: config.limits.authFailuresBeforeThrottle,
    }),
    queue: createOutboundQueue({ storage, clock: systemClock }),
  }
  const pipeline = new MemoryPipeline(options.pipeline)
  const service = createMailListenerService(deps, smtpEndpoints(deps, pipeline))
  await service.start()
  const port = (name: string) => service.listeners().find(l => l.name === name)?.port ?? 0
  const caFile = join(dir, 'ca.pem')
  await Bun.write(caFile, certificates.current().cert)
  return {
    ports: { mx: port('smtp'), submission: port('submission'), submissions: port('submissions') },
    ca: certificates.current().cert,
    caFile,
    pipeline,
    metrics,
    dir,
    async stop() {
      await service.stop(0)
      certificates.close()
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A message with CRLF line ends and lines that need dot-stuffing. */
export function sampleMessage(subject: string, body = 'Hello.\r\n.leading dot\r\n..two dots\r\n'): string {
  return (
    `From: Ann <ann@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: ${subject}\r\n` +
    `Date: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\n${body}`
  )
}
