// The queue runner (Postfix's qmgr, in-process): claims due entries within a global and a
// per-destination concurrency limit, signs each message with DKIM, hands it to the transport, and
// records every recipient's outcome before it starts on anything that depends on it (DSNs, the
// spool file's removal). Durability, in order:
//
//   claim     state in-flight, attempts + 1 (an in-flight entry found at start is retried: its
//             attempt's fate is unknown, and a possible duplicate beats a loss — RFC 5321 §6.1)
//   deliver   the transport (one connection per attempt, pooled by the transport)
//   record    per-recipient results + new state + dsn_pending, one transaction (batched with the
//             other attempts that ended in the same tick)
//   notify    DSN to the sender (notify-sender.ts), then dsn_pending cleared
//   release   the spool file, once no entry of the message needs it
//
// Wake-ups: a commit (queue.onDue), the end of an attempt (a slot frees), or a timer for the next
// due entry, bounded by `pollIntervalSeconds` so retries and flushes from the CLI (another process
// writing the same database) are picked up.
import type { Clock } from '../../core/clock.ts'
import { errorMessage } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { DkimSigner } from '../dkim/dkim-signer.ts'
import { messageIdOf } from '../dkim/author-domain.ts'
import type { SenderNotifier } from '../dsn/notify-sender.ts'
import type { OutboundTransport, RecipientResult } from '../transport/outbound-transport.ts'
import { type AttemptPolicy, decideAttempt } from './decide-attempt.ts'
import type { AttemptRecord, OutboundQueue } from './outbound-queue.ts'
import { pendingRecipients, type QueuedMessage } from './queue-rows.ts'
import type { QueueMetrics } from './queue-metrics.ts'
import { retryDelayMs } from './retry-schedule.ts'

export interface QueueRunnerOptions extends AttemptPolicy {
  /** Attempts in flight at once. */
  concurrency: number
  /** Attempts in flight per recipient domain. */
  concurrencyPerDomain: number
  pollIntervalMs: number
  /** Finished entries are kept this long (queue show, inbound DSN matching), then purged. */
  keepFinishedMs: number
}

export interface QueueRunnerDeps {
  queue: OutboundQueue
  transport: OutboundTransport
  /** Null: send unsigned (DKIM disabled). */
  signer: DkimSigner | null
  notifier: SenderNotifier
  clock: Clock
  logger: Logger
  metrics: QueueMetrics
  options: QueueRunnerOptions
  random?: () => number
}

export interface QueueRunner {
  readonly name: string
  start(): Promise<void>
  /** Stop claiming; let attempts finish within graceMs, then abort the rest and release their entries. */
  stop(graceMs: number): Promise<void>
  /** Look for due entries now. */
  wake(): void
  /** Resolves when nothing is in flight and no due entry is left (tests, benchmarks). */
  drain(): Promise<void>
  /** Attempts running now. */
  inFlight(): number
}

/** Purge finished entries at most this often. */
const PURGE_INTERVAL_MS = 3600_000

export function createQueueRunner(deps: QueueRunnerDeps): QueueRunner {
  const { queue, transport, signer, notifier, clock, metrics, options } = deps
  const logger = deps.logger.child({ component: 'queue-runner' })
  const random = deps.random ?? Math.random
  const running = new Map<string, { domain: string; done: Promise<void> }>()
  const perDomain = new Map<string, number>()
  /** Destinations that just failed at connection level: not tried again before this time. */
  const heldUntil = new Map<string, number>()
  let started = false
  let stopping = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let pumpQueued = false
  let lastPurge = 0
  let unsubscribe: (() => void) | null = null
  const idleWaiters: (() => void)[] = []

  // Attempt records that ended in the same tick share one transaction (one fsync).
  let batch: { record: AttemptRecord; resolve: () => void; reject: (e: unknown) => void }[] = []
  const save = (record: AttemptRecord): Promise<void> =>
    new Promise((resolve, reject) => {
      batch.push({ record, resolve, reject })
      if (batch.length === 1) setImmediate(() => void flushBatch())
    })
  const flushBatch = async () => {
    const items = batch
    batch = []
    try {
      await queue.saveAttempts(items.map(i => i.record))
      for (const i of items) i.resolve()
    } catch (e) {
      for (const i of items) i.reject(e)
    }
  }

  const schedulePump = () => {
    if (pumpQueued || stopping || !started) return
    pumpQueued = true
    // setImmediate, not a microtask: attempts ending in the same turn of the loop share one claim.
    setImmediate(() => {
      pumpQueued = false
      pump()
    })
  }

  const accepts = (now: number) => {
    const tentative = new Map(perDomain)
    return (domain: string) => {
      const held = heldUntil.get(domain)
      if (held !== undefined) {
        if (held > now) return false
        heldUntil.delete(domain)
      }
      const n = tentative.get(domain) ?? 0
      if (n >= options.concurrencyPerDomain) return false
      tentative.set(domain, n + 1)
      return true
    }
  }

  function pump(): void {
    if (stopping || !started) return
    const now = clock.now()
    let claimed: QueuedMessage[] = []
    try {
      const full = [...perDomain].filter(([, n]) => n >= options.concurrencyPerDomain).map(([d]) => d)
      const held = [...heldUntil].filter(([, until]) => until > now).map(([d]) => d)
      claimed = queue.claimDue({
        now,
        limit: options.concurrency - running.size,
        accept: accepts(now),
        excludeDomains: [...full, ...held],
      })
    } catch (e) {
      logger.error('claiming due entries failed', { error: errorMessage(e) })
    }
    for (const entry of claimed) begin(entry)
    if (now - lastPurge >= PURGE_INTERVAL_MS) purge(now)
    armTimer()
    settleIdle()
  }

  function armTimer(): void {
    if (timer) clearTimeout(timer)
    timer = null
    if (stopping) return
    let next: number | null = null
    try {
      next = queue.nextDueAt()
    } catch {
      next = null
    }
    const now = clock.now()
    // Held destinations and full slots make due entries wait for an attempt's end or the poll.
    const wait = next === null || next <= now ? options.pollIntervalMs : Math.min(next - now, options.pollIntervalMs)
    timer = setTimeout(pump, Math.max(10, wait))
    timer.unref?.()
  }

  function purge(now: number): void {
    lastPurge = now
    try {
      const purged = queue.purgeFinished(now - options.keepFinishedMs)
      if (purged > 0) logger.info('purged finished queue entries', { count: purged })
    } catch (e) {
      logger.warn('purging finished entries failed', { error: errorMessage(e) })
    }
  }

  function begin(entry: QueuedMessage): void {
    perDomain.set(entry.domain, (perDomain.get(entry.domain) ?? 0) + 1)
    const done = attempt(entry)
      .catch(e => logger.error('delivery attempt failed unexpectedly', { id: entry.id, error: errorMessage(e) }))
      .finally(() => {
        running.delete(entry.id)
        const n = (perDomain.get(entry.domain) ?? 1) - 1
        if (n <= 0) perDomain.delete(entry.domain)
        else perDomain.set(entry.domain, n)
        schedulePump()
        settleIdle()
      })
    running.set(entry.id, { domain: entry.domain, done })
  }

  async function attempt(entry: QueuedMessage): Promise<void> {
    // Fields, not a child logger: a child per attempt cost more than the attempt's other bookkeeping.
    const about = { id: entry.id, domain: entry.domain }
    const recipients = pendingRecipients(entry)
    let message: Uint8Array | null = null
    let results: RecipientResult[]
    if (recipients.length === 0) {
      results = []
    } else {
      try {
        message = await Bun.file(entry.spoolPath).bytes()
      } catch (e) {
        logger.error('spool file unreadable', { ...about, error: errorMessage(e) })
      }
      if (message === null) {
        // The bytes are gone: nothing to retry with. RFC 3463 X.3.0: other mail system problem.
        results = recipients.map(r => ({
          address: r.address,
          status: 'failed' as const,
          code: null,
          enhancedStatus: '5.3.0',
          diagnostic: 'the queued message file is missing',
          remoteMta: null,
        }))
      } else {
        const signed = signer ? await signer.sign(message, entry.sender) : message
        try {
          results = await transport.deliver({
            queueId: entry.id,
            sender: entry.sender,
            domain: entry.domain,
            recipients,
            message: signed,
            bodyType: entry.bodyType,
            smtputf8: entry.smtputf8,
            requireTls: entry.requireTls,
            ret: entry.ret,
            envid: entry.envid,
          })
        } catch (e) {
          // The contract says transports throw only on bugs; the entry is retried, not lost.
          logger.error('transport failed', { ...about, error: errorMessage(e) })
          results = recipients.map(r => ({
            address: r.address,
            status: 'deferred' as const,
            code: null,
            enhancedStatus: '4.3.0',
            diagnostic: `local transport error: ${errorMessage(e)}`,
            remoteMta: null,
          }))
        }
      }
    }
    const now = clock.now()
    const messageId = entry.messageId ?? (message ? messageIdOf(message) : null)
    const decision = decideAttempt(entry, results, now, options, random, messageId)
    await save(decision.record)
    metrics.recipients.inc({ result: 'delivered' }, decision.counts.delivered)
    metrics.recipients.inc({ result: 'deferred' }, decision.counts.deferred)
    metrics.recipients.inc({ result: 'bounced' }, decision.counts.bounced)
    if (decision.destinationDown) heldUntil.set(entry.domain, now + retryDelayMs(1, options, random))
    logger.info('attempt recorded', {
      ...about,
      state: decision.record.state,
      attempt: entry.attempts,
      ...decision.counts,
      ...(decision.record.lastError ? { error: decision.record.lastError } : {}),
    })
    const updated: QueuedMessage = { ...entry, ...decision.record }
    await finish(updated)
  }

  /** DSNs, then the spool file: both may be redone after a crash (dsn_pending, removeOrphans). */
  async function finish(entry: QueuedMessage): Promise<void> {
    if (entry.dsnPending) {
      try {
        await notifier.notify(entry)
        entry.dsnPending = false
      } catch (e) {
        logger.error('DSN could not be stored; will retry at the next start', { id: entry.id, error: errorMessage(e) })
        return
      }
    }
    if (entry.state === 'delivered' || entry.state === 'failed') await queue.releaseSpool(entry.spoolPath)
  }

  /**
   * Waits for the running attempts, at most `ms`. The timer is cleared when they finish first: a
   * pending one would keep the process alive after stop() (the bench lingered 2 s for it).
   */
  async function settledWithin(ms: number): Promise<'settled' | 'timeout'> {
    if (running.size === 0) return 'settled'
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        Promise.all([...running.values()].map(r => r.done)).then(() => 'settled' as const),
        new Promise<'timeout'>(resolve => {
          timer = setTimeout(() => resolve('timeout'), ms)
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  function settleIdle(): void {
    if (idleWaiters.length === 0 || running.size > 0 || batch.length > 0) return
    const next = queue.nextDueAt()
    const now = clock.now()
    const dueNow = next !== null && next <= now && ![...heldUntil.values()].some(t => t > now)
    if (dueNow && !stopping) return
    for (const resolve of idleWaiters.splice(0)) resolve()
  }

  return {
    name: 'queue-runner',

    async start() {
      const recovered = queue.recover()
      if (recovered > 0) logger.warn('entries in flight at the last stop are retried', { count: recovered })
      for (const entry of queue.owingDsn()) await finish(entry)
      started = true
      stopping = false
      unsubscribe = queue.onDue(schedulePump)
      schedulePump()
    },

    async stop(graceMs) {
      if (stopping) return
      stopping = true
      unsubscribe?.()
      unsubscribe = null
      if (timer) clearTimeout(timer)
      timer = null
      if (running.size > 0 && (await settledWithin(graceMs)) === 'timeout') {
        logger.warn('stopping with attempts in flight; aborting them', { count: running.size })
      }
      // Closing the transport aborts its connections: the attempts still running end as deferred.
      await transport.close().catch(e => logger.warn('closing the transport failed', { error: errorMessage(e) }))
      await settledWithin(2000)
      const left = [...running.keys()]
      if (left.length > 0) {
        try {
          queue.release(left)
        } catch (e) {
          logger.warn('releasing in-flight entries failed; they are retried at the next start', {
            error: errorMessage(e),
          })
        }
      }
      if (batch.length > 0) await flushBatch()
      started = false
      for (const resolve of idleWaiters.splice(0)) resolve()
    },

    wake: schedulePump,

    drain() {
      return new Promise<void>(resolve => {
        idleWaiters.push(resolve)
        schedulePump()
        settleIdle()
      })
    },

    inFlight: () => running.size,
  }
}
