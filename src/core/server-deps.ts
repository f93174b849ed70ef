// What every running service receives (STYLE.md "No global mutable state"): built once by
// startServer, passed down; tests build their own with fakes.
import type { LoginThrottle } from '../auth/login-throttle.ts'
import type { Config } from '../config/schema.ts'
import type { OutboundQueue } from '../delivery/queue/outbound-queue.ts'
import type { MetricsRegistry } from '../observability/metrics.ts'
import type { Resolver } from '../security/dns/resolver.ts'
import type { CertificateStore } from '../security/tls/certificate-store.ts'
import type { Storage } from '../storage/storage.ts'
import type { Clock } from './clock.ts'
import type { Logger } from './logger.ts'

export interface ServerDeps {
  config: Config
  logger: Logger
  clock: Clock
  storage: Storage
  certificates: CertificateStore
  resolver: Resolver
  metrics: MetricsRegistry
  /** One per process: SMTP AUTH, IMAP LOGIN and POP3 logins count failures against the same keys. */
  loginThrottle: LoginThrottle
  /** The one outbound queue: submission enqueues, the delivery worker, CLI, API and monitors read it. */
  queue: OutboundQueue
}
