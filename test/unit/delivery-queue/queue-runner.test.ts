// The queue runner with real storage and an in-process transport scripted per test: state
// transitions, back-off, DSNs into the sender's INBOX, NOTIFY/RET/ENVID, expiry, concurrency,
// stop/restart and crash recovery (in-flight entries and owed DSNs found at start).
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, unlinkSync } from 'node:fs'
import PostalMime from 'postal-mime'
import { parseDeliveryStatus } from '../../../src/delivery/dsn/parse-dsn.ts'
import type { OutboundAttempt, RecipientResult } from '../../../src/delivery/transport/outbound-transport.ts'
import {
  accept,
  HOUR,
  MINUTE,
  message,
  permFail,
  type QueueFixture,
  queueFixture,
  tempFail,
  unreachable,
} from './queue-fixture.ts'

let f: QueueFixture
afterEach(async () => {
  await f?.cleanup()
})

const reportOf = async (text: string) => {
  const parsed = await PostalMime.parse(text)
  const status = parsed.attachments.find(a => a.mimeType === 'message/delivery-status')
  const content = status
    ? typeof status.content === 'string'
      ? status.content
      : new TextDecoder().decode(status.content)
    : ''
  return { parsed, groups: parseDeliveryStatus(content) }
}

describe('delivery', () => {
  test('a queued entry is delivered, recorded per recipient, and its spool file removed', async () => {
    f = await queueFixture()
    const id = await f.enqueue({
      recipients: [
        { address: 'bob@remote.test', notify: null, orcpt: null },
        { address: 'carol@remote.test', notify: null, orcpt: null },
      ],
      envid: 'ENV-1',
      ret: 'HDRS',
    })
    const spool = (await f.queue.get(id))?.spoolPath ?? ''
    await f.runner.drain()
    expect(f.transport.attempts).toHaveLength(1)
    const attempt = f.transport.attempts[0] as OutboundAttempt
    expect(attempt).toMatchObject({
      queueId: id,
      sender: 'ann@local.test',
      domain: 'remote.test',
      envid: 'ENV-1',
      ret: 'HDRS',
    })
    expect(attempt.recipients.map(r => r.address)).toEqual(['bob@remote.test', 'carol@remote.test'])
    expect(new TextDecoder().decode(attempt.message)).toContain('Subject: test m1')
    const entry = await f.queue.get(id)
    expect(entry?.state).toBe('delivered')
    expect(entry?.messageId).toBe('<m1@local.test>')
    expect(entry?.results['bob@remote.test']).toMatchObject({
      status: 'delivered',
      code: 250,
      remoteMta: 'mx.remote.test',
    })
    expect(entry?.finishedAt).toBe(f.clock.now())
    expect(existsSync(spool)).toBe(false)
    expect(f.metrics.recipients.get({ result: 'delivered' })).toBe(2)
    expect(await f.inbox()).toEqual([]) // no NOTIFY=SUCCESS: no report
    expect(await f.queue.list()).toEqual([])
    expect(await f.queue.list({ includeFinished: true })).toHaveLength(1)
  })

  test('one entry per recipient domain, one attempt each, sharing one spool file until both are done', async () => {
    f = await queueFixture()
    let release: (() => void) | null = null
    const gate = new Promise<void>(r => {
      release = r
    })
    f.transport.script = async a => {
      if (a.domain === 'slow.test') await gate
      return accept(a)
    }
    const id = await f.enqueue({
      recipients: [
        { address: 'a@fast.test', notify: null, orcpt: null },
        { address: 'b@slow.test', notify: null, orcpt: null },
        { address: 'c@FAST.test', notify: null, orcpt: null },
      ],
    })
    const entries = await f.queue.list()
    expect(entries.map(e => [e.id, e.domain, e.recipients.length])).toEqual([
      [id, 'fast.test', 2],
      [`${id}-2`, 'slow.test', 1],
    ])
    const spool = entries[0]?.spoolPath ?? ''
    expect(entries[1]?.spoolPath).toBe(spool)
    f.runner.wake()
    while ((await f.queue.get(id))?.state !== 'delivered') await Bun.sleep(5)
    expect(existsSync(spool)).toBe(true) // the slow domain still needs it
    ;(release as unknown as () => void)()
    await f.runner.drain()
    expect((await f.queue.get(`${id}-2`))?.state).toBe('delivered')
    expect(existsSync(spool)).toBe(false)
  })

  test('a deferral is retried on the back-off schedule, then delivered when the remote recovers', async () => {
    f = await queueFixture({}, tempFail)
    const id = await f.enqueue()
    await f.runner.drain()
    let entry = await f.queue.get(id)
    expect(entry).toMatchObject({ state: 'deferred', attempts: 1, nextAttemptAt: f.clock.now() + 60_000 })
    expect(entry?.lastError).toContain('451 4.3.0')
    f.clock.advance(30_000)
    await f.runner.drain()
    expect(f.transport.attempts).toHaveLength(1) // not due yet
    f.clock.advance(30_000)
    await f.runner.drain()
    entry = await f.queue.get(id)
    expect(entry).toMatchObject({ state: 'deferred', attempts: 2, nextAttemptAt: f.clock.now() + 300_000 })
    f.transport.script = accept
    f.clock.advance(300_000)
    await f.runner.drain()
    entry = await f.queue.get(id)
    expect(entry).toMatchObject({ state: 'delivered', attempts: 3, lastError: null })
    expect(f.transport.attempts).toHaveLength(3)
    expect(f.metrics.recipients.get({ result: 'deferred' })).toBe(2)
    expect(await f.inbox()).toEqual([]) // deferred for minutes only: no delay DSN
  })

  test('only recipients still pending are retried', async () => {
    f = await queueFixture()
    f.transport.script = a =>
      a.recipients
        .map(r => (r.address.startsWith('ok') ? accept(a)[0] : tempFail(a)[0]) as RecipientResult)
        .map((r, i) => ({ ...r, address: a.recipients[i]?.address ?? '' }))
    const id = await f.enqueue({
      recipients: [
        { address: 'ok@remote.test', notify: null, orcpt: null },
        { address: 'later@remote.test', notify: null, orcpt: null },
      ],
    })
    await f.runner.drain()
    f.transport.script = accept
    f.clock.advance(MINUTE)
    await f.runner.drain()
    expect(f.transport.attempts.map(a => a.recipients.map(r => r.address))).toEqual([
      ['ok@remote.test', 'later@remote.test'],
      ['later@remote.test'],
    ])
    expect((await f.queue.get(id))?.state).toBe('delivered')
  })
})

describe('bounces (RFC 3464)', () => {
  test('a permanent failure bounces at once: a multipart/report DSN lands in the local sender INBOX', async () => {
    f = await queueFixture({}, permFail)
    const id = await f.enqueue({
      recipients: [
        { address: 'bob@remote.test', notify: null, orcpt: { addrType: 'rfc822', value: 'bob@remote.test' } },
      ],
      envid: 'ENV-42',
    })
    await f.runner.drain()
    const entry = await f.queue.get(id)
    expect(entry).toMatchObject({ state: 'failed', dsnPending: false })
    expect(entry?.results['bob@remote.test']?.dsn).toBe('sent')
    const inbox = await f.inbox()
    expect(inbox).toHaveLength(1)
    const dsn = inbox[0] as string
    expect(dsn).toStartWith('Return-Path: <>\r\n')
    const { parsed, groups } = await reportOf(dsn)
    const type = parsed.headers.find(h => h.key === 'content-type')?.value ?? ''
    expect(type).toMatch(/^multipart\/report;/)
    expect(type).toContain('report-type=delivery-status')
    expect(parsed.headers.find(h => h.key === 'auto-submitted')?.value).toBe('auto-replied')
    expect(parsed.to?.[0]?.address).toBe('ann@local.test')
    expect(groups[0]?.get('reporting-mta')).toBe('dns; mx.local.test')
    expect(groups[0]?.get('original-envelope-id')).toBe('ENV-42')
    expect(groups[1]?.get('final-recipient')).toBe('rfc822; bob@remote.test')
    expect(groups[1]?.get('original-recipient')).toBe('rfc822; bob@remote.test')
    expect(groups[1]?.get('action')).toBe('failed')
    expect(groups[1]?.get('status')).toBe('5.1.1')
    expect(groups[1]?.get('diagnostic-code')).toBe('smtp; 550 5.1.1 no such user')
    expect(groups[1]?.get('remote-mta')).toBe('dns; mx.remote.test')
    // No RET: a failure returns the whole message.
    const returned = parsed.attachments.find(a => a.mimeType === 'message/rfc822')
    expect(returned).toBeDefined()
    expect(f.metrics.recipients.get({ result: 'bounced' })).toBe(1)
    expect(f.metrics.dsn.get({ action: 'failed', destination: 'local' })).toBe(1)
  })

  test('RET=HDRS returns only the header section (text/rfc822-headers)', async () => {
    f = await queueFixture({}, permFail)
    await f.enqueue({ ret: 'HDRS' })
    await f.runner.drain()
    const { parsed } = await reportOf((await f.inbox())[0] ?? '')
    expect(parsed.attachments.map(a => a.mimeType)).toEqual(['message/delivery-status', 'text/rfc822-headers'])
    const headers = parsed.attachments[1]
    const text = typeof headers?.content === 'string' ? headers.content : new TextDecoder().decode(headers?.content)
    expect(text).toContain('Subject: test m1')
    expect(text).not.toContain('Hello m1')
  })

  test('NOTIFY=NEVER: no DSN; NOTIFY=SUCCESS: a success report; never anything to <>', async () => {
    f = await queueFixture({}, permFail)
    await f.enqueue({ recipients: [{ address: 'bob@remote.test', notify: ['NEVER'], orcpt: null }] })
    await f.enqueue({ sender: '', recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }] })
    await f.runner.drain()
    expect(await f.inbox()).toEqual([])
    expect(await f.queue.list()).toEqual([]) // nothing queued for the null sender either
    f.transport.script = accept
    await f.enqueue({ recipients: [{ address: 'bob@remote.test', notify: ['SUCCESS'], orcpt: null }] })
    await f.runner.drain()
    const inbox = await f.inbox()
    expect(inbox).toHaveLength(1)
    const { parsed, groups } = await reportOf(inbox[0] ?? '')
    expect(parsed.subject).toBe('Successful Mail Delivery Report')
    expect(groups[1]?.get('action')).toBe('relayed')
    expect(groups[1]?.get('status')).toBe('2.0.0')
    expect(parsed.attachments.map(a => a.mimeType)).toContain('text/rfc822-headers')
  })

  test('a DSN to a remote sender goes through the queue with the null reverse-path', async () => {
    f = await queueFixture({}, a => (a.sender === '' ? accept(a) : permFail(a)))
    await f.enqueue({ sender: 'someone@elsewhere.test' })
    await f.runner.drain()
    const dsnAttempt = f.transport.attempts.find(a => a.sender === '')
    expect(dsnAttempt?.recipients.map(r => r.address)).toEqual(['someone@elsewhere.test'])
    expect(new TextDecoder().decode(dsnAttempt?.message)).toContain('report-type=delivery-status')
  })

  test('a deferred entry gets one delay DSN after the warning time, then a failure DSN when it expires', async () => {
    f = await queueFixture({ scheduleSeconds: [3600], maxAgeMs: 10 * HOUR, delayWarningMs: 4 * HOUR }, unreachable)
    const id = await f.enqueue()
    for (let i = 0; i < 12; i++) {
      await f.runner.drain()
      f.clock.advance(HOUR)
    }
    await f.runner.drain()
    const entry = await f.queue.get(id)
    expect(entry?.state).toBe('failed')
    expect(entry?.results['bob@remote.test']).toMatchObject({ status: 'failed', enhancedStatus: '4.4.1' })
    expect(entry?.results['bob@remote.test']?.diagnostic).toContain('delivery time expired')
    const inbox = await f.inbox()
    expect(inbox).toHaveLength(2)
    const delay = await reportOf(inbox[0] ?? '')
    expect(delay.groups[1]?.get('action')).toBe('delayed')
    expect(delay.groups[1]?.get('will-retry-until')).toBeDefined()
    expect(delay.groups[1]?.get('diagnostic-code')).toBe('X-Mail-Server; connection refused')
    const failure = await reportOf(inbox[1] ?? '')
    expect(failure.groups[1]?.get('action')).toBe('failed')
    expect(failure.groups[1]?.get('status')).toBe('4.4.1')
    // The last attempt happened at the expiry, not before.
    expect(f.transport.attempts.length).toBe(11)
  })

  test('a missing spool file fails the entry with 5.3.0 instead of retrying forever', async () => {
    f = await queueFixture()
    await f.runner.stop(0)
    const id = await f.enqueue()
    unlinkSync((await f.queue.get(id))?.spoolPath ?? '')
    await (await f.restart()).drain()
    expect(f.transport.attempts).toHaveLength(0)
    expect((await f.queue.get(id))?.results['bob@remote.test']).toMatchObject({
      status: 'failed',
      enhancedStatus: '5.3.0',
    })
    expect(await f.inbox()).toHaveLength(1)
  })
})

describe('scheduling', () => {
  test('per-domain concurrency: at most concurrencyPerDomain attempts to one domain at a time', async () => {
    f = await queueFixture({ concurrency: 10, concurrencyPerDomain: 2 })
    let active = 0
    let peak = 0
    const peakByDomain = new Map<string, number>()
    const activeByDomain = new Map<string, number>()
    f.transport.script = async a => {
      active++
      activeByDomain.set(a.domain, (activeByDomain.get(a.domain) ?? 0) + 1)
      peak = Math.max(peak, active)
      peakByDomain.set(a.domain, Math.max(peakByDomain.get(a.domain) ?? 0, activeByDomain.get(a.domain) ?? 0))
      await Bun.sleep(5)
      active--
      activeByDomain.set(a.domain, (activeByDomain.get(a.domain) ?? 1) - 1)
      return accept(a)
    }
    // Queue everything first, so the first claim pass sees all of it.
    await f.runner.stop(0)
    for (let i = 0; i < 8; i++)
      await f.enqueue({ recipients: [{ address: `x${i}@one.test`, notify: null, orcpt: null }] })
    for (let i = 0; i < 8; i++)
      await f.enqueue({ recipients: [{ address: `y${i}@two.test`, notify: null, orcpt: null }] })
    await (await f.restart()).drain()
    expect(f.transport.attempts).toHaveLength(16)
    expect(peakByDomain.get('one.test')).toBe(2)
    expect(peakByDomain.get('two.test')).toBe(2)
    expect(peak).toBe(4)
  })

  test('a destination that cannot be reached holds its other entries back instead of trying each', async () => {
    f = await queueFixture({ concurrencyPerDomain: 1 }, unreachable)
    for (let i = 0; i < 5; i++) await f.enqueue()
    await f.runner.drain()
    expect(f.transport.attempts).toHaveLength(1)
    f.clock.advance(MINUTE)
    f.transport.script = accept
    await f.runner.drain()
    expect(f.transport.attempts).toHaveLength(6)
    expect((await f.queue.list()).length).toBe(0)
  })

  test('retry and flush make deferred entries due now', async () => {
    f = await queueFixture({}, tempFail)
    const a = await f.enqueue()
    const b = await f.enqueue()
    await f.runner.drain()
    expect(f.transport.attempts).toHaveLength(2)
    expect(await f.queue.retry(a)).toBe(true)
    expect(await f.queue.retry('nope')).toBe(false)
    await f.runner.drain()
    expect(f.transport.attempts.map(x => x.queueId).slice(2)).toEqual([a])
    expect(await f.queue.flush()).toBe(2)
    await f.runner.drain()
    expect(
      f.transport.attempts
        .map(x => x.queueId)
        .slice(3)
        .sort(),
    ).toEqual([a, b].sort())
  })
})

describe('stop and restart', () => {
  test('stop waits for attempts in flight, and a restart finds nothing to redo', async () => {
    f = await queueFixture()
    f.transport.script = async a => {
      await Bun.sleep(30)
      return accept(a)
    }
    const id = await f.enqueue()
    f.runner.wake()
    while (f.runner.inFlight() === 0) await Bun.sleep(1)
    await f.runner.stop(5000)
    expect((await f.queue.get(id))?.state).toBe('delivered')
    expect(f.transport.closed).toBe(true)
    const again = await f.restart()
    await again.drain()
    expect(f.transport.attempts).toHaveLength(1)
  })

  test('stop leaves no timer running once the attempts ended, so the process can exit', async () => {
    f = await queueFixture()
    f.transport.script = async a => {
      await Bun.sleep(30)
      return accept(a)
    }
    await f.enqueue()
    f.runner.wake()
    while (f.runner.inFlight() === 0) await Bun.sleep(1)
    // Timers of a second or more created during stop() and neither fired nor cleared keep the
    // event loop alive: stop(5000) used to leave a 5 s and a 2 s one behind.
    const pending = new Set<unknown>()
    const realSetTimeout = globalThis.setTimeout
    const realClearTimeout = globalThis.clearTimeout
    globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
      const timer = realSetTimeout(
        (...a: unknown[]) => {
          pending.delete(timer)
          fn(...a)
        },
        ms,
        ...rest,
      )
      if ((ms ?? 0) >= 1000) pending.add(timer)
      return timer
    }) as typeof setTimeout
    globalThis.clearTimeout = ((timer: Parameters<typeof clearTimeout>[0]) => {
      pending.delete(timer)
      realClearTimeout(timer)
    }) as typeof clearTimeout
    try {
      await f.runner.stop(5000)
    } finally {
      globalThis.setTimeout = realSetTimeout
      globalThis.clearTimeout = realClearTimeout
    }
    expect(f.transport.attempts).toHaveLength(1)
    expect(pending.size).toBe(0)
  })

  test('stop after the grace period aborts the transport; unfinished entries go back to queued', async () => {
    f = await queueFixture()
    f.transport.script = () => new Promise(() => {}) // a peer that never answers
    const id = await f.enqueue()
    f.runner.wake()
    while (f.runner.inFlight() === 0) await Bun.sleep(1)
    await f.runner.stop(10)
    expect(await f.queue.get(id)).toMatchObject({ state: 'queued', attempts: 0 })
  }, 10_000)

  test('an entry found in-flight at start (a crash mid-attempt) is retried', async () => {
    f = await queueFixture()
    await f.runner.stop(0)
    const id = await f.enqueue()
    const claimed = f.queue.claimDue({ now: f.clock.now(), limit: 10, accept: () => true })
    expect(claimed.map(c => c.state)).toEqual(['in-flight'])
    const runner = await f.restart()
    await runner.drain()
    expect(await f.queue.get(id)).toMatchObject({ state: 'delivered', attempts: 2 })
    expect(f.transport.attempts).toHaveLength(1)
  })

  test('a DSN owed when the process died is sent at start', async () => {
    f = await queueFixture({}, permFail)
    await f.runner.stop(0)
    const id = await f.enqueue()
    const [entry] = f.queue.claimDue({ now: f.clock.now(), limit: 1, accept: () => true })
    // As if the process died right after recording the failure, before the DSN.
    await f.queue.saveAttempts([
      {
        id,
        state: 'failed',
        results: {
          'bob@remote.test': {
            status: 'failed',
            code: 550,
            enhancedStatus: '5.1.1',
            diagnostic: '550 no',
            remoteMta: 'mx',
            at: 1,
            dsn: 'owed',
          },
        },
        nextAttemptAt: f.clock.now(),
        lastError: '550',
        dsnPending: true,
        delayNotified: false,
        finishedAt: f.clock.now(),
        messageId: entry?.messageId ?? null,
      },
    ])
    const runner = await f.restart()
    await runner.drain()
    expect(await f.inbox()).toHaveLength(1)
    expect(await f.queue.get(id)).toMatchObject({ dsnPending: false })
    expect(f.transport.attempts).toHaveLength(0)
    expect(existsSync(entry?.spoolPath ?? '')).toBe(false)
  })
})

test('the message handed to the transport is DKIM-signed when the author domain has keys', async () => {
  f = await queueFixture()
  const { createDkimKeyStore } = await import('../../../src/delivery/dkim/dkim-key-store.ts')
  await createDkimKeyStore(f.storage, f.clock).ensure('local.test', {
    algorithms: ['rsa-sha256', 'ed25519-sha256'],
    rsaBits: 2048,
  })
  await f.enqueue({ content: message('signed') })
  await f.enqueue({ content: message('other').map(b => b) })
  await f.runner.drain()
  const text = new TextDecoder().decode(f.transport.attempts[0]?.message)
  expect(text.match(/^DKIM-Signature:/gm)).toHaveLength(2)
  expect(text).toContain('a=rsa-sha256')
  expect(text).toContain('a=ed25519-sha256')
  expect(text).toContain('d=local.test')
})
