// The queue table beyond staging (per-domain entries, shared spool files, orphans, stats, purge,
// rows from before migration 0002) and the DKIM key store behind `dkim rotate` / `domain dns`.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { manualClock } from '../../../src/core/clock.ts'
import { createDkimKeyStore } from '../../../src/delivery/dkim/dkim-key-store.ts'
import { dkimDnsRecords } from '../../../src/delivery/dkim/dkim-dns-records.ts'
import { createOutboundQueue, type OutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { queueStats } from '../../../src/delivery/queue/queue-stats.ts'
import { type Fixture, storageFixture } from '../storage/storage-fixture.ts'

const DAY = 86_400_000
let fx: Fixture
let queue: OutboundQueue
const clock = manualClock(Date.UTC(2026, 0, 2))
const content = () => new TextEncoder().encode('Subject: x\r\n\r\nbody\r\n')
const rcpt = (address: string) => ({ address, notify: null, orcpt: null })

beforeEach(async () => {
  clock.set(Date.UTC(2026, 0, 2))
  fx = await storageFixture({ clock })
  queue = createOutboundQueue({ storage: fx.storage, clock })
})
afterEach(() => fx.cleanup())

const finish = async (id: string, state: 'delivered' | 'failed', dsnPending = false) =>
  queue.saveAttempts([
    {
      id,
      state,
      results: {},
      nextAttemptAt: clock.now(),
      lastError: null,
      dsnPending,
      delayNotified: false,
      finishedAt: clock.now(),
      messageId: null,
    },
  ])

describe('per-domain entries', () => {
  test('commit splits by domain; the spool file stays until every entry of the message is final', async () => {
    const first = await queue.enqueue({
      sender: 'a@l.test',
      recipients: [rcpt('x@one.test'), rcpt('y@two.test')],
      content: content(),
    })
    const ids = (await queue.list()).map(e => e.id)
    expect(ids).toEqual([first.id, `${first.id}-2`])
    await finish(first.id, 'delivered')
    expect(await queue.releaseSpool(first.spoolPath)).toBe(false)
    expect(existsSync(first.spoolPath)).toBe(true)
    await finish(`${first.id}-2`, 'failed', true)
    expect(await queue.releaseSpool(first.spoolPath)).toBe(false) // a DSN still needs the original
    queue.markDsnSent(`${first.id}-2`, [])
    await finish(`${first.id}-2`, 'failed', false)
    expect(await queue.releaseSpool(first.spoolPath)).toBe(true)
    expect(existsSync(first.spoolPath)).toBe(false)
  })

  test('dropping one entry keeps the file for its sibling; dropping both removes it', async () => {
    const first = await queue.enqueue({
      sender: 'a@l.test',
      recipients: [rcpt('x@one.test'), rcpt('y@two.test')],
      content: content(),
    })
    expect(await queue.remove(first.id)).toBe(true)
    expect(existsSync(first.spoolPath)).toBe(true)
    expect(await queue.remove(`${first.id}-2`)).toBe(true)
    expect(existsSync(first.spoolPath)).toBe(false)
  })

  test('removeOrphans also removes files whose entries are all final', async () => {
    const done = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    const live = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    await finish(done.id, 'delivered')
    expect(await queue.removeOrphans()).toEqual([`${done.id}.eml`])
    expect(readdirSync(join(fx.dir, 'queue'))).toEqual([`${live.id}.eml`])
  })

  test('rows queued before migration 0002 (several domains, domain "") are split at recover()', async () => {
    const legacy = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    fx.storage.db.$client.run(`UPDATE outbound_queue SET domain = '', recipients_json = ? WHERE id = ?`, [
      JSON.stringify([rcpt('x@one.test'), rcpt('y@two.test'), rcpt('z@one.test')]),
      legacy.id,
    ])
    queue.recover()
    const entries = await queue.list()
    expect(entries.map(e => [e.id, e.domain, e.recipients.map(r => r.address)])).toEqual([
      [legacy.id, 'one.test', ['x@one.test', 'z@one.test']],
      [`${legacy.id}-2`, 'two.test', ['y@two.test']],
    ])
  })
})

describe('stats, listing and purge', () => {
  test('queueStats counts live entries for depth and age, every state in byState', async () => {
    expect(queueStats(fx.storage, clock.now())).toEqual({
      depth: 0,
      oldestAgeSeconds: 0,
      byState: { queued: 0, 'in-flight': 0, deferred: 0, delivered: 0, failed: 0 },
    })
    const old = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    clock.advance(90_000)
    await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    clock.advance(10_000)
    queue.claimDue({ now: clock.now(), limit: 1, accept: () => true })
    const done = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@two.test')], content: content() })
    await finish(done.id, 'delivered')
    expect(queueStats(fx.storage, clock.now())).toEqual({
      depth: 2,
      oldestAgeSeconds: 100,
      byState: { queued: 1, 'in-flight': 1, deferred: 0, delivered: 1, failed: 0 },
    })
    expect((await queue.list()).map(e => e.state)).toEqual(['in-flight', 'queued'])
    expect(await queue.list({ includeFinished: true })).toHaveLength(3)
    expect((await queue.list({ state: 'delivered' })).map(e => e.id)).toEqual([done.id])
    expect(await queue.get(old.id)).toMatchObject({ state: 'in-flight', attempts: 1 })
  })

  test('finished entries are purged after the retention, live ones never', async () => {
    const done = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    await finish(done.id, 'failed')
    expect(queue.purgeFinished(clock.now() - DAY)).toBe(0)
    clock.advance(2 * DAY)
    expect(queue.purgeFinished(clock.now() - DAY)).toBe(1)
    expect(await queue.get(done.id)).toBeNull()
    expect(await queue.list()).toHaveLength(1)
  })

  test('a claim takes queued and deferred entries together in due order (next attempt, then id)', async () => {
    const start = clock.now()
    const a = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    expect(queue.claimDue({ now: clock.now(), limit: 1, accept: () => true }).map(c => c.id)).toEqual([a.id])
    await queue.saveAttempts([
      {
        id: a.id,
        state: 'deferred',
        results: {},
        nextAttemptAt: start + 25_000,
        lastError: '451 try later',
        dsnPending: false,
        delayNotified: false,
        finishedAt: null,
        messageId: null,
      },
    ])
    clock.advance(10_000)
    const b = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@two.test')], content: content() })
    clock.advance(20_000)
    const c = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@three.test')], content: content() })
    const d = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('y@three.test')], content: content() })
    clock.advance(10_000)
    const claimed = queue.claimDue({ now: clock.now(), limit: 3, accept: () => true })
    expect(claimed.map(e => [e.id, e.state, e.attempts])).toEqual([
      [b.id, 'in-flight', 1],
      [a.id, 'in-flight', 2],
      [c.id, 'in-flight', 1],
    ])
    expect(queue.claimDue({ now: clock.now(), limit: 3, accept: () => true }).map(e => e.id)).toEqual([d.id])
  })

  test('a claim skips excluded domains and never takes an entry twice', async () => {
    await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@one.test')], content: content() })
    const two = await queue.enqueue({ sender: 'a@l.test', recipients: [rcpt('x@two.test')], content: content() })
    const claimed = queue.claimDue({ now: clock.now(), limit: 5, accept: () => true, excludeDomains: ['one.test'] })
    expect(claimed.map(c => c.id)).toEqual([two.id])
    expect(queue.claimDue({ now: clock.now(), limit: 5, accept: d => d !== 'one.test' })).toEqual([])
    expect(queue.recover()).toBe(1)
    expect((await queue.get(two.id))?.state).toBe('queued')
  })
})

describe('DKIM keys', () => {
  const options = { algorithms: ['rsa-sha256', 'ed25519-sha256'] as const, rsaBits: 2048 }

  test('ensure creates one key per algorithm once; rotate retires them and adds new selectors', async () => {
    const keys = createDkimKeyStore(fx.storage, clock)
    const created = await keys.ensure('local.test', options)
    expect(created.map(k => [k.algorithm, k.selector])).toEqual([
      ['rsa-sha256', 's20260102r'],
      ['ed25519-sha256', 's20260102e'],
    ])
    expect(await keys.ensure('local.test', options)).toEqual([])
    clock.advance(1000)
    const rotated = await keys.rotate('local.test', options)
    expect(rotated.map(k => k.selector)).toEqual(['s20260102r-2', 's20260102e-2'])
    expect(keys.active('local.test').map(k => k.selector)).toEqual(['s20260102r-2', 's20260102e-2'])
    expect(keys.list('local.test').filter(k => k.status === 'retired')).toHaveLength(2)
    expect(keys.published('local.test', clock.now() - DAY)).toHaveLength(4)
    expect(keys.published('local.test', clock.now() + 1)).toHaveLength(2)
  })

  test('dkimDnsRecords: TXT names and values (RSA SPKI, raw 32-byte Ed25519), retired keys until their time', async () => {
    const records = await dkimDnsRecords(fx.storage, 'Local.Test', { clock, retiredKeyDays: 7 })
    expect(records.map(r => [r.name, r.type, r.status])).toEqual([
      ['s20260102r._domainkey.local.test', 'TXT', 'active'],
      ['s20260102e._domainkey.local.test', 'TXT', 'active'],
    ])
    const [rsa, ed] = records
    expect(rsa?.value).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/]+=*$/)
    const edKey = /p=(.*)$/.exec(ed?.value ?? '')?.[1] ?? ''
    expect(ed?.value).toStartWith('v=DKIM1; k=ed25519; p=')
    expect(Buffer.from(edKey, 'base64')).toHaveLength(32)
    await createDkimKeyStore(fx.storage, clock).rotate('local.test', options)
    expect(await dkimDnsRecords(fx.storage, 'local.test', { clock })).toHaveLength(4)
    clock.advance(8 * DAY)
    const later = await dkimDnsRecords(fx.storage, 'local.test', { clock, retiredKeyDays: 7 })
    expect(later.map(r => r.status)).toEqual(['active', 'active'])
    await expect(dkimDnsRecords(fx.storage, 'not a domain!')).rejects.toThrow('invalid domain')
  })
})
