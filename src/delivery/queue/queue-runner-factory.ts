// Builds the queue runner from the server's shared deps: the one queue (deps.queue), DKIM signing
// from the `dkim` section, DSNs through storage and the queue, and the transport chosen by
// `delivery.method`. Loaded by ./queue-service.ts once the queue has work.
import type { Config } from '../../config/schema.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { createDkimSigner } from '../dkim/dkim-signer.ts'
import { createSenderNotifier } from '../dsn/notify-sender.ts'
import { lazyTransport } from '../transport/lazy-transport.ts'
import type { OutboundTransport } from '../transport/outbound-transport.ts'
import { createQueueMetrics } from './queue-metrics.ts'
import { createQueueRunner, type QueueRunner, type QueueRunnerOptions } from './queue-runner.ts'

const HOUR = 3600_000

export function queueRunnerOptions(config: Pick<Config, 'queue'>): QueueRunnerOptions {
  const q = config.queue
  return {
    concurrency: q.concurrency,
    concurrencyPerDomain: q.concurrencyPerDomain,
    scheduleSeconds: q.retryScheduleSeconds,
    jitter: q.retryJitter,
    maxAgeMs: q.maxAgeHours * HOUR,
    delayWarningMs: q.delayWarningHours * HOUR,
    pollIntervalMs: q.pollIntervalSeconds * 1000,
    keepFinishedMs: q.keepFinishedDays * 24 * HOUR,
  }
}

/** `transport` defaults to the one `delivery.method` names (tests pass their own). */
export function createQueueRunnerService(
  deps: ServerDeps,
  transport: OutboundTransport = lazyTransport(deps.config.delivery.method, () =>
    import('../transport/create-transport.ts').then(m => m.createOutboundTransport(deps, deps.config)),
  ),
): QueueRunner {
  const { config, storage, queue, clock, logger } = deps
  const options = queueRunnerOptions(config)
  const metrics = createQueueMetrics(deps.metrics)
  return createQueueRunner({
    queue,
    transport,
    signer: config.dkim.enabled ? createDkimSigner({ storage, clock, logger }) : null,
    notifier: createSenderNotifier({
      storage,
      queue,
      logger: logger.child({ component: 'dsn' }),
      clock,
      hostname: config.hostname,
      maxOriginalBytes: config.queue.dsnMaxOriginalBytes,
      expiresAt: entry => entry.createdAt + options.maxAgeMs,
      onSent: (action, destination) => metrics.dsn.inc({ action, destination }),
    }),
    clock,
    logger,
    metrics,
    options,
  })
}
