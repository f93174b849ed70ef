import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { manualClock } from '../../../../src/core/clock.ts'
import { createLogger } from '../../../../src/core/logger.ts'
import { webhookBody } from '../../../../src/observability/discord/discord-embed.ts'
import {
  createDiscordWebhook,
  type DiscordWebhookOptions,
} from '../../../../src/observability/discord/discord-webhook.ts'
import { startWebhookStub, type WebhookStub } from './support/webhook-stub.ts'

let stub: WebhookStub
beforeEach(() => {
  stub = startWebhookStub()
})
afterEach(async () => {
  await stub.stop()
})

const body = (title: string) => webhookBody({ title, color: 'green' }, 'mx.test', new Date(0))

function setup(over: Partial<DiscordWebhookOptions> = {}) {
  const clock = manualClock()
  const sleeps: number[] = []
  const logs: string[] = []
  const webhook = createDiscordWebhook({
    url: stub.url,
    clock,
    // No real waiting: the manual clock jumps by what the poster asked to wait.
    sleep: async ms => {
      sleeps.push(ms)
      clock.advance(ms)
    },
    logger: createLogger({ level: 'debug', format: 'json', sink: line => logs.push(line) }),
    maxPerMinute: 30,
    ...over,
  })
  return { webhook, sleeps, logs, clock }
}

describe('Discord webhook poster', () => {
  test('posts the JSON body; 204 is success', async () => {
    const { webhook, sleeps } = setup()
    expect(await webhook.post(body('Server Started'))).toBe('sent')
    expect(stub.delivered).toEqual(['Server Started'])
    expect(stub.requests[0]?.embeds[0]?.footer.text).toBe('mx.test')
    expect(sleeps).toEqual([])
  })

  test('429 with retry_after (seconds, JSON body) is waited out, then the post is repeated', async () => {
    const { webhook, sleeps } = setup()
    stub.respondWith({ status: 429, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false } })
    expect(await webhook.post(body('Heartbeat'))).toBe('sent')
    expect(sleeps).toEqual([1500])
    expect(stub.requests).toHaveLength(2)
    expect(stub.delivered).toEqual(['Heartbeat'])
  })

  test('429 without a JSON body falls back to the Retry-After header', async () => {
    const { webhook, sleeps } = setup()
    stub.respondWith({ status: 429, body: 'slow down', headers: { 'retry-after': '3' } })
    expect(await webhook.post(body('x'))).toBe('sent')
    expect(sleeps).toEqual([3000])
  })

  test('endless 429s give up after maxRateLimitWaits', async () => {
    const { webhook, sleeps } = setup({ maxRateLimitWaits: 2 })
    stub.respondWith(...Array.from({ length: 5 }, () => ({ status: 429, body: { retry_after: 0.25 } })))
    expect(await webhook.post(body('x'))).toBe('dropped')
    expect(sleeps).toEqual([250, 250])
    expect(stub.delivered).toEqual([])
  })

  test('5xx is retried with doubling back-off', async () => {
    const { webhook, sleeps } = setup({ retryBaseMs: 100 })
    stub.respondWith({ status: 502 }, { status: 500 })
    expect(await webhook.post(body('x'))).toBe('sent')
    expect(sleeps).toEqual([100, 200])
  })

  test('other 4xx (deleted webhook) are dropped without retry', async () => {
    const { webhook, sleeps } = setup()
    stub.respondWith({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } })
    expect(await webhook.post(body('x'))).toBe('dropped')
    expect(stub.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('an unreachable webhook is retried, then dropped, and its URL never logged', async () => {
    const url = 'http://127.0.0.1:9/api/webhooks/1/very-secret'
    const { webhook, sleeps, logs } = setup({ url, maxRetries: 2, retryBaseMs: 10 })
    expect(await webhook.post(body('x'))).toBe('dropped')
    expect(sleeps).toEqual([10, 20])
    expect(logs.join('\n')).toContain('unreachable')
    expect(logs.join('\n')).not.toContain('very-secret')
  })

  test('keeps to maxPerMinute: the next post waits for the window', async () => {
    const { webhook, sleeps } = setup({ maxPerMinute: 2 })
    await Promise.all([webhook.post(body('1')), webhook.post(body('2')), webhook.post(body('3'))])
    expect(stub.delivered).toEqual(['1', '2', '3'])
    expect(sleeps).toEqual([60_000])
  })

  test('X-RateLimit-Remaining 0 delays the next post by X-RateLimit-Reset-After', async () => {
    const { webhook, sleeps } = setup()
    stub.respondWith({ status: 204, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2.5' } })
    await webhook.post(body('1'))
    await webhook.post(body('2'))
    expect(sleeps).toEqual([2500])
    expect(stub.delivered).toEqual(['1', '2'])
  })

  test('posts go out in order, one at a time', async () => {
    const { webhook } = setup()
    stub.respondWith({ status: 429, body: { retry_after: 0.1 } })
    const outcomes = await Promise.all(['a', 'b', 'c'].map(t => webhook.post(body(t))))
    expect(outcomes).toEqual(['sent', 'sent', 'sent'])
    expect(stub.delivered).toEqual(['a', 'b', 'c'])
  })

  test('beyond maxQueued the oldest waiting messages are dropped', async () => {
    const { webhook } = setup({ maxQueued: 2 })
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map(t => webhook.post(body(t))))
    expect(outcomes).toEqual(['dropped', 'dropped', 'sent', 'sent'])
    expect(stub.delivered).toEqual(['c', 'd'])
  })
})
