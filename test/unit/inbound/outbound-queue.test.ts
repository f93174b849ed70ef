// The persistent outbound queue table and its spool files: two-phase staging, durability order
// (file before row), listing, removal, and orphan clean-up.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { manualClock } from '../../../src/core/clock.ts'
import { createOutboundQueue, type OutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { type Fixture, storageFixture } from '../storage/storage-fixture.ts'
import { bytes, text } from './inbound-fixture.ts'

let fx: Fixture
let queue: OutboundQueue
const clock = manualClock(Date.UTC(2026, 0, 2))

beforeEach(async () => {
  fx = await storageFixture()
  queue = createOutboundQueue({ storage: fx.storage, clock })
})
afterEach(() => fx.cleanup())

const input = (content: Uint8Array | AsyncIterable<Uint8Array> = bytes('Subject: x\r\n\r\nbody\r\n')) => ({
  sender: 'ann@local.test',
  recipients: [
    {
      address: 'bob@remote.example',
      notify: ['SUCCESS', 'FAILURE'] as const,
      orcpt: { addrType: 'rfc822', value: 'bob@remote.example' },
    },
    { address: 'Carol@Remote.Example', notify: null, orcpt: null },
  ],
  content,
  ret: 'HDRS' as const,
  envid: 'env-1',
  bodyType: '8BITMIME' as const,
  smtputf8: false,
  requireTls: true,
  accountId: 7,
})

describe('enqueue', () => {
  test('writes the spool file and the row with every envelope field', async () => {
    const queued = await queue.enqueue(input())
    expect(queued).toMatchObject({
      sender: 'ann@local.test',
      state: 'queued',
      attempts: 0,
      nextAttemptAt: clock.now(),
      createdAt: clock.now(),
      ret: 'HDRS',
      envid: 'env-1',
      bodyType: '8BITMIME',
      smtputf8: false,
      requireTls: true,
      accountId: 7,
      lastError: null,
      size: 20,
    })
    expect(queued.recipients).toEqual([
      {
        address: 'bob@remote.example',
        notify: ['SUCCESS', 'FAILURE'],
        orcpt: { addrType: 'rfc822', value: 'bob@remote.example' },
      },
      { address: 'Carol@Remote.Example', notify: null, orcpt: null },
    ])
    expect(queued.spoolPath).toBe(join(fx.dir, 'queue', `${queued.id}.eml`))
    expect(readFileSync(queued.spoolPath, 'utf8')).toBe('Subject: x\r\n\r\nbody\r\n')
    expect((statSync(queued.spoolPath).mode & 0o777).toString(8)).toBe('600')
    expect(await queue.get(queued.id)).toEqual(queued)
    expect(await queue.list()).toEqual([queued])
    expect(await queue.list({ state: 'queued' })).toHaveLength(1)
    expect(await queue.list({ state: 'sending' })).toHaveLength(0)
  })

  test('streams async content and leaves no temp files behind', async () => {
    const chunks = async function* () {
      yield bytes('Subject: streamed\r\n\r\n')
      yield new Uint8Array(100_000).fill(0x61)
      yield bytes('\r\n')
    }
    const queued = await queue.enqueue(input(chunks()))
    expect(queued.size).toBe(21 + 100_000 + 2)
    expect(readdirSync(join(fx.dir, 'queue'))).toEqual([`${queued.id}.eml`])
  })

  test('the table survives reopening the database', async () => {
    const queued = await queue.enqueue(input())
    const reopened = createOutboundQueue({ storage: await fx.open(), clock })
    expect((await reopened.get(queued.id))?.recipients).toHaveLength(2)
  })

  test('refuses an entry without recipients', async () => {
    await expect(queue.enqueue({ ...input(), recipients: [] })).rejects.toThrow('at least one recipient')
  })
})

describe('two-phase staging', () => {
  test('a staged message is on disk but not in the table until commit', async () => {
    const staged = await queue.stage(input())
    expect(existsSync(staged.spoolPath)).toBe(true)
    expect(await queue.list()).toEqual([])
    const committed = staged.commit()
    expect(committed.id).toBe(staged.id)
    expect(await queue.list()).toHaveLength(1)
    expect(() => staged.commit()).toThrow('already committed')
  })

  test('discard removes the file and nothing is queued', async () => {
    const staged = await queue.stage(input())
    await staged.discard()
    expect(existsSync(staged.spoolPath)).toBe(false)
    expect(await queue.list()).toEqual([])
    expect(() => staged.commit()).toThrow()
  })

  test('a failing content stream leaves neither file nor row', async () => {
    const broken = async function* () {
      yield bytes('Subject: x\r\n')
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    }
    await expect(queue.stage(input(broken()))).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(readdirSync(join(fx.dir, 'queue'))).toEqual([])
    expect(await queue.list()).toEqual([])
  })
})

describe('removal and orphans', () => {
  test('remove deletes row and file', async () => {
    const queued = await queue.enqueue(input())
    expect(await queue.remove(queued.id)).toBe(true)
    expect(existsSync(queued.spoolPath)).toBe(false)
    expect(await queue.get(queued.id)).toBeNull()
    expect(await queue.remove(queued.id)).toBe(false)
  })

  test('removeOrphans deletes spool files without rows (crash between stage and commit) and temp files', async () => {
    const kept = await queue.enqueue(input())
    const orphan = await queue.stage(input())
    writeFileSync(join(fx.dir, 'queue', '.tmp-qhalfwritten.eml'), 'partial')
    const removed = await queue.removeOrphans()
    expect(removed.sort()).toEqual(['.tmp-qhalfwritten.eml', `${orphan.id}.eml`].sort())
    expect(readdirSync(join(fx.dir, 'queue'))).toEqual([`${kept.id}.eml`])
    expect(text(new Uint8Array(readFileSync(kept.spoolPath)))).toContain('Subject: x')
  })

  test('removeOrphans on a data dir without a queue directory does nothing', async () => {
    expect(await queue.removeOrphans()).toEqual([])
  })
})
