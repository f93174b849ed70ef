// Posts to a Discord webhook, one message at a time and in order. Discord rate-limits webhooks
// (about 30 messages a minute; docs "Rate Limits"): a 429 carries `retry_after` (seconds, JSON
// body; also the Retry-After header) and the post is repeated after that long. Independently the
// poster keeps to maxPerMinute, and waits out X-RateLimit-Reset-After when X-RateLimit-Remaining
// reaches 0. Network errors and 5xx are retried with doubling back-off; other 4xx (a deleted
// webhook, a malformed embed) are logged and dropped. Waiting goes through the injected sleep, so
// tests drive it with a manual clock. The URL holds the webhook's secret token: it is never logged.
import type { Clock } from '../../core/clock.ts'
import { errorMessage } from '../../core/errors.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import type { DiscordWebhookBody } from './discord-embed.ts'

export interface DiscordWebhookOptions {
  url: string
  clock: Clock
  /** Wait this many milliseconds (real timers in the server; a manual clock's advance in tests). */
  sleep: (ms: number) => Promise<void>
  logger?: Logger
  fetch?: typeof fetch
  maxPerMinute: number
  /** Attempts after the first for network errors and 5xx. */
  maxRetries?: number
  /** First back-off after a network error or 5xx; doubles per attempt. */
  retryBaseMs?: number
  /** 429 replies honoured for one message before it is dropped. */
  maxRateLimitWaits?: number
  /** Messages waiting beyond this are dropped (oldest first): a dead webhook must not grow memory. */
  maxQueued?: number
  timeoutMs?: number
}

export type PostOutcome = 'sent' | 'dropped'

export interface DiscordWebhook {
  /** Queue a message; resolves when it was sent or given up on. */
  post(body: DiscordWebhookBody): Promise<PostOutcome>
  /** Resolves when everything queued so far has been handled. */
  idle(): Promise<void>
}

/** Discord's `retry_after` is in seconds (float) in the body; Retry-After is whole seconds. */
async function retryAfterMs(res: Response): Promise<number> {
  try {
    const body = (await res.json()) as { retry_after?: unknown }
    if (typeof body.retry_after === 'number' && body.retry_after >= 0) return Math.ceil(body.retry_after * 1000)
  } catch {
    // not JSON: fall back to the header
  }
  const header = Number(res.headers.get('retry-after'))
  return Number.isFinite(header) && header >= 0 ? Math.ceil(header * 1000) : 1000
}

export function createDiscordWebhook(options: DiscordWebhookOptions): DiscordWebhook {
  const logger = (options.logger ?? silentLogger).child({ component: 'discord' })
  const doFetch = options.fetch ?? fetch
  const maxRetries = options.maxRetries ?? 3
  const retryBaseMs = options.retryBaseMs ?? 1000
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 5
  const maxQueued = options.maxQueued ?? 50
  const { clock, sleep } = options
  const sentAt: number[] = []
  let notBefore = 0
  let chain: Promise<unknown> = Promise.resolve()
  let queued = 0
  let generation = 0
  let droppedBefore = 0 // messages with a ticket below this are dropped unsent

  const scrub = (text: string) => text.split(options.url).join('(webhook url)')

  async function waitForSlot(): Promise<void> {
    const windowStart = () => clock.now() - 60_000
    while (sentAt.length > 0 && (sentAt[0] as number) <= windowStart()) sentAt.shift()
    if (sentAt.length >= options.maxPerMinute) {
      await sleep((sentAt[0] as number) + 60_000 - clock.now())
      sentAt.shift()
    }
    const wait = notBefore - clock.now()
    if (wait > 0) await sleep(wait)
  }

  async function deliver(body: DiscordWebhookBody): Promise<PostOutcome> {
    let failures = 0
    let rateLimited = 0
    for (;;) {
      await waitForSlot()
      let res: Response
      try {
        res = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        })
      } catch (e) {
        if (++failures > maxRetries) {
          logger.warn('discord webhook unreachable; message dropped', { error: scrub(errorMessage(e)) })
          return 'dropped'
        }
        await sleep(retryBaseMs * 2 ** (failures - 1))
        continue
      }
      sentAt.push(clock.now())
      if (res.headers.get('x-ratelimit-remaining') === '0') {
        const resetAfter = Number(res.headers.get('x-ratelimit-reset-after'))
        if (Number.isFinite(resetAfter) && resetAfter > 0) notBefore = clock.now() + Math.ceil(resetAfter * 1000)
      }
      if (res.status === 429) {
        const wait = await retryAfterMs(res)
        if (++rateLimited > maxRateLimitWaits) {
          logger.warn('discord keeps rate-limiting; message dropped', { retryAfterMs: wait })
          return 'dropped'
        }
        logger.info('discord rate limit; waiting', { retryAfterMs: wait })
        await sleep(wait)
        continue
      }
      await res.arrayBuffer().catch(() => undefined)
      if (res.ok) return 'sent'
      if (res.status >= 500 && ++failures <= maxRetries) {
        await sleep(retryBaseMs * 2 ** (failures - 1))
        continue
      }
      logger.warn('discord webhook refused the message; dropped', { status: res.status })
      return 'dropped'
    }
  }

  return {
    post(body) {
      const ticket = generation++
      queued++
      if (queued > maxQueued) {
        droppedBefore = Math.max(droppedBefore, ticket - maxQueued + 1)
        logger.warn('discord messages backing up; dropping the oldest', { queued })
      }
      const result = chain.then(async (): Promise<PostOutcome> => {
        try {
          return ticket < droppedBefore ? 'dropped' : await deliver(body)
        } finally {
          queued--
        }
      })
      chain = result.catch(() => undefined)
      return result
    },
    idle: () => chain.then(() => undefined),
  }
}
