// End of DATA against real storage: bytes in Maildir identical to what was received (after the new
// trace fields), index rows, the outbound queue for remote recipients, all-or-nothing on failures
// (ENOSPC, quota), and trap mode.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createOutboundQueue, type OutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { type MessageRecord, type Storage, INBOX } from '../../../src/storage/index.ts'
import {
  bytes,
  context,
  type InboundFixture,
  inboundFixture,
  mailFrom,
  sampleMessage,
  text,
  transaction,
} from './inbound-fixture.ts'

let f: InboundFixture
let ann: number
let bob: number
let queue: OutboundQueue

beforeEach(async () => {
  f = await inboundFixture()
  await f.storage.domains.add('local.test')
  ann = await f.account('ann@local.test')
  bob = await f.account('bob@local.test')
  await f.storage.aliases.add('team@local.test', ['ann@local.test', 'bob@local.test'])
  await f.storage.aliases.add('fwd@local.test', ['friend@elsewhere.example'])
  queue = createOutboundQueue({ storage: f.storage, clock: f.deps.clock })
})
afterEach(() => f.cleanup())

const asAnn = () => context({ port: 'submission', cid: 'sub1', auth: { accountId: ann, email: 'ann@local.test' } })

async function inbox(accountId: number, mailbox = INBOX): Promise<MessageRecord[]> {
  const box = await f.storage.mailboxes.get(accountId, mailbox)
  return f.storage.messages.list(box?.id ?? -1, { envelopes: true })
}

async function storedText(accountId: number, index = 0): Promise<string> {
  const box = await f.storage.mailboxes.get(accountId, INBOX)
  const record = (await inbox(accountId))[index]
  const opened = await f.storage.messages.open(box?.id ?? -1, record?.uid ?? -1)
  expect(opened).not.toBeNull()
  return readFileSync(opened?.path ?? '', 'latin1')
}

const spoolFiles = () => (existsSync(join(f.fx.dir, 'queue')) ? readdirSync(join(f.fx.dir, 'queue')) : [])

describe('local delivery', () => {
  test('the Maildir file is Return-Path + trace fields + the received bytes, byte for byte; the index row matches', async () => {
    // 8-bit bytes, a lone dot line (already unstuffed by the session) and no final CRLF quirks.
    const original = new Uint8Array([
      ...bytes('From: Ann <ann@sender.example>\r\nTo: bob@local.test\r\nSubject: bytes\r\n\r\n'),
      0xe4,
      0xf6,
      0xfc,
      0x0d,
      0x0a,
      0x2e,
      0x0d,
      0x0a,
      0x00,
      0xff,
      0x0d,
      0x0a,
    ])
    const r = await transaction(f.pipeline, context(), mailFrom('ann@sender.example'), ['bob@local.test'], original)
    expect(r.data?.reply).toMatchObject({ code: 250, enhanced: '2.0.0' })
    const box = await f.storage.mailboxes.get(bob, INBOX)
    const [record] = await inbox(bob)
    expect(record?.envelope?.subject).toBe('bytes')
    const opened = await f.storage.messages.open(box?.id ?? -1, record?.uid ?? -1)
    expect(opened?.path).toContain(`${f.fx.dir}/maildir/`)
    expect(opened?.path).toContain('/cur/')
    const stored = new Uint8Array(readFileSync(opened?.path ?? ''))
    expect(record?.size).toBe(stored.length)
    const tail = stored.subarray(stored.length - original.length)
    expect(Buffer.compare(Buffer.from(tail), Buffer.from(original))).toBe(0)
    const head = text(stored.subarray(0, stored.length - original.length))
    expect(head.startsWith('Return-Path: <ann@sender.example>\r\nAuthentication-Results: mx.local.test;')).toBe(true)
    expect(head.replace(/\r\n(?=[ \t])/g, '')).toMatch(
      /Received: from client\.example\.org \(\[192\.0\.2\.10\]\) by mx\.local\.test with ESMTP id c0ffee for <bob@local\.test>; Fri, 2 Jan 2026 03:04:05 \+0000\r\n$/,
    )
    expect(f.metrics.counter('smtp_messages_delivered_total', '').get({ result: 'delivered' })).toBe(1)
  })

  test('an incoming Return-Path is replaced; the null sender gives <>', async () => {
    const msg = sampleMessage('rp', 'Return-Path: <forged@evil.example>\r\n')
    await transaction(f.pipeline, context(), mailFrom(''), ['bob@local.test'], msg)
    const raw = await storedText(bob)
    expect(raw.startsWith('Return-Path: <>\r\n')).toBe(true)
    expect(raw).not.toContain('forged@evil.example')
  })

  test('one copy per account across direct and alias recipients; no `for` with several recipients', async () => {
    const r = await transaction(
      f.pipeline,
      context(),
      mailFrom('x@sender.example'),
      ['bob@local.test', 'team@local.test', 'BOB+tag@local.test'],
      sampleMessage('dedupe'),
    )
    expect(r.data?.perRecipient.map(p => p.code)).toEqual([250, 250, 250])
    expect(await inbox(bob)).toHaveLength(1)
    expect(await inbox(ann)).toHaveLength(1)
    expect((await storedText(ann)).replace(/\r\n(?=[ \t])/g, '')).not.toMatch(/Received: [^\r]* for </)
  })

  test('nothing is queued when every recipient is local', async () => {
    await transaction(f.pipeline, context(), mailFrom('x@sender.example'), ['bob@local.test'], sampleMessage())
    expect(await queue.list()).toEqual([])
    expect(spoolFiles()).toEqual([])
  })
})

describe('remote recipients go to the outbound queue', () => {
  test('authenticated relay: a queue row and a durable spool file without Return-Path', async () => {
    const from = mailFrom('ann@local.test', { ret: 'HDRS', envid: 'E1', body: '8BITMIME', requireTls: false })
    const mail = await f.pipeline.mailFrom(asAnn(), from)
    expect(mail.ok).toBe(true)
    const rcpt = await f.pipeline.rcptTo(
      asAnn(),
      from,
      { address: 'Carol@Remote.Example', notify: ['FAILURE'], orcpt: null },
      [],
    )
    if (!rcpt.ok) throw new Error('rcpt refused')
    const msg = sampleMessage('out')
    const data = await f.pipeline.deliver(asAnn(), from, [rcpt.recipient], msg)
    const [entry] = await queue.list()
    expect(data.reply.code).toBe(250)
    expect(data.reply.lines[0]).toContain(entry?.id ?? '?')
    expect(entry).toMatchObject({
      sender: 'ann@local.test',
      recipients: [{ address: 'Carol@Remote.Example', notify: ['FAILURE'], orcpt: null }],
      ret: 'HDRS',
      envid: 'E1',
      bodyType: '8BITMIME',
      accountId: ann,
      state: 'queued',
      attempts: 0,
    })
    const spooled = readFileSync(entry?.spoolPath ?? '', 'latin1')
    expect(spooled.startsWith('Received: from client.example.org')).toBe(true)
    expect(spooled).not.toContain('Return-Path')
    expect(spooled).not.toContain('Authentication-Results')
    expect(spooled.endsWith(text(msg))).toBe(true)
    expect(entry?.size).toBe(Buffer.byteLength(spooled, 'latin1'))
  })

  test('local and remote recipients in one message: both durable before 250', async () => {
    const r = await transaction(
      f.pipeline,
      asAnn(),
      mailFrom('ann@local.test'),
      ['bob@local.test', 'x@remote.example', 'y@remote.example', 'X@remote.example'],
      sampleMessage('mixed'),
    )
    expect(r.data?.reply.code).toBe(250)
    expect(await inbox(bob)).toHaveLength(1)
    const entries = await queue.list()
    expect(entries).toHaveLength(1)
    expect(entries[0]?.recipients.map(x => x.address)).toEqual(['x@remote.example', 'y@remote.example'])
    expect(spoolFiles()).toEqual([`${entries[0]?.id}.eml`])
  })

  test('an alias forwarding elsewhere, from the MX, is queued with ORCPT naming the alias (RFC 3461 §4.2)', async () => {
    const r = await transaction(
      f.pipeline,
      context(),
      mailFrom('x@sender.example'),
      ['fwd@local.test'],
      sampleMessage('fwd'),
    )
    expect(r.data?.reply.code).toBe(250)
    const [entry] = await queue.list()
    expect(entry?.recipients).toEqual([
      { address: 'friend@elsewhere.example', notify: null, orcpt: { addrType: 'rfc822', value: 'fwd@local.test' } },
    ])
    expect(entry?.accountId).toBeNull()
  })
})

/** Storage whose deliverToAccounts fails like a full disk while writing the temp file. */
const diskFullStorage = (storage: Storage): Storage => ({
  ...storage,
  messages: {
    ...storage.messages,
    deliverToAccounts: async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    },
  },
})

describe('failures: all or nothing, 4xx so the client retries', () => {
  test('disk full while writing the local copy → 452 4.3.1; the staged queue entry is dropped', async () => {
    const pipeline = f.pipelineWith({}, { storage: diskFullStorage(f.storage) })
    const r = await transaction(
      pipeline,
      asAnn(),
      mailFrom('ann@local.test'),
      ['bob@local.test', 'x@remote.example'],
      sampleMessage(),
    )
    expect(r.rcpt.map(x => x.code)).toEqual([250, 250])
    expect(r.data?.reply).toMatchObject({ code: 452, enhanced: '4.3.1' })
    expect(r.data?.perRecipient.map(p => p.code)).toEqual([452, 452])
    expect(await inbox(bob)).toEqual([])
    expect(await queue.list()).toEqual([])
    expect(spoolFiles()).toEqual([])
    expect(f.metrics.counter('smtp_rejections_total', '').get({ port: 'submission', reason: 'storage_full' })).toBe(1)
  })

  test('disk full while committing the queue row → 452 4.3.1; local copies already written are taken back', async () => {
    const real = createOutboundQueue({ storage: f.storage, clock: f.deps.clock })
    const failingCommit: OutboundQueue = {
      ...real,
      async stage(input) {
        const staged = await real.stage(input)
        return {
          ...staged,
          id: staged.id,
          spoolPath: staged.spoolPath,
          size: staged.size,
          commit: () => {
            throw new Error('database or disk is full', { cause: { code: 'ENOSPC' } })
          },
          discard: () => staged.discard(),
        }
      },
    }
    const pipeline = f.pipelineWith({ queue: failingCommit })
    const r = await transaction(
      pipeline,
      asAnn(),
      mailFrom('ann@local.test'),
      ['bob@local.test', 'team@local.test', 'x@remote.example'],
      sampleMessage('half'),
    )
    expect(r.data?.reply).toMatchObject({ code: 452, enhanced: '4.3.1' })
    expect(await inbox(bob)).toEqual([])
    expect(await inbox(ann)).toEqual([])
    expect(await real.list()).toEqual([])
    expect(spoolFiles()).toEqual([])
    // The expunged copies are gone from the Maildir too.
    const box = await f.storage.mailboxes.get(bob, INBOX)
    expect(await f.storage.messages.uids(box?.id ?? -1)).toEqual([])
  })

  test('any other storage failure → 451 4.3.0', async () => {
    const broken: Storage = {
      ...f.storage,
      messages: {
        ...f.storage.messages,
        deliverToAccounts: async () => {
          throw new Error('SQLITE_BUSY: database is locked')
        },
      },
    }
    const r = await transaction(
      f.pipelineWith({}, { storage: broken }),
      context(),
      mailFrom('a@b.example'),
      ['bob@local.test'],
      sampleMessage(),
    )
    expect(r.data?.reply).toMatchObject({ code: 451, enhanced: '4.3.0' })
  })

  test('one recipient over quota → 552 5.2.2', async () => {
    await f.storage.accounts.update(bob, { quotaBytes: 50 })
    // No SIZE parameter: RCPT cannot know, DATA finds out.
    const r = await transaction(
      f.pipeline,
      context(),
      mailFrom('a@b.example'),
      ['bob@local.test'],
      sampleMessage('big'),
    )
    expect(r.rcpt[0]?.code).toBe(250)
    expect(r.data?.reply).toMatchObject({ code: 552, enhanced: '5.2.2' })
    expect(await inbox(bob)).toEqual([])
  })

  test('one of several recipients over quota → everything taken back, 452 4.2.2 (retry, not bounce for all)', async () => {
    await f.storage.accounts.update(bob, { quotaBytes: 50 })
    const r = await transaction(
      f.pipeline,
      context(),
      mailFrom('a@b.example'),
      ['ann@local.test', 'bob@local.test'],
      sampleMessage('big2'),
    )
    expect(r.data?.reply).toMatchObject({ code: 452, enhanced: '4.2.2' })
    expect(await inbox(ann)).toEqual([])
    expect(await inbox(bob)).toEqual([])
  })

  test('verification crashing does not lose the message', async () => {
    const pipeline = f.pipelineWith({
      verify: async () => {
        throw new Error('mailauth exploded')
      },
    })
    const r = await transaction(
      pipeline,
      context(),
      mailFrom('a@b.example'),
      ['bob@local.test'],
      sampleMessage('noauth'),
    )
    expect(r.data?.reply.code).toBe(250)
    expect(await storedText(bob)).not.toContain('Authentication-Results')
  })
})

describe('trap mode', () => {
  test('everything lands in the trap account INBOX, whatever the domain', async () => {
    const trap = context({ trap: true, remoteAddress: '127.0.0.1' })
    const r = await transaction(
      f.pipeline,
      trap,
      mailFrom('dev@app.example'),
      ['someone@gmail.example', 'bob@local.test', 'x@y.z.example'],
      sampleMessage('trapped'),
    )
    expect(r.data?.reply.code).toBe(250)
    const account = await f.storage.accounts.get('trap@mx.local.test')
    expect(account).not.toBeNull()
    const messages = await inbox(account?.id ?? -1)
    expect(messages).toHaveLength(1)
    expect(messages[0]?.envelope?.subject).toBe('trapped')
    expect(await inbox(bob)).toEqual([])
    expect(await queue.list()).toEqual([])
    const raw = await storedText(account?.id ?? -1)
    expect(raw).not.toContain('Authentication-Results')
  })

  test('a configured trap account is used', async () => {
    const config = structuredClone(f.config)
    config.smtp.inbound.trapAccount = 'ann@local.test'
    const pipeline = f.pipelineWith({}, { config })
    await transaction(
      pipeline,
      context({ trap: true }),
      mailFrom('dev@app.example'),
      ['a@b.example'],
      sampleMessage('to-ann'),
    )
    expect((await inbox(ann)).map(m => m.envelope?.subject)).toEqual(['to-ann'])
  })
})

test('loopback clients (local programs) are not verified: no Authentication-Results, no DMARC verdict', async () => {
  for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    await transaction(
      f.pipeline,
      context({ remoteAddress }),
      mailFrom('cron@sender.example'),
      ['bob@local.test'],
      sampleMessage(),
    )
  }
  for (let i = 0; i < 3; i++) expect(await storedText(bob, i)).not.toContain('Authentication-Results')
  expect(f.memory.queries.filter(q => q.type === 'TXT')).toEqual([])
})
