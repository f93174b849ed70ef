// storage.messageBatches (the bulk write path imports use): consecutive UIDs and one MODSEQ per
// batch, files in cur/ named with their flags and dated with the internal date, one event for
// IMAP sessions, and nothing left behind when the batch is refused.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MailboxEvent } from '../../../src/storage/index.ts'
import { syncMany } from '../../../src/storage/repositories/sync-file-system.ts'
import { createMaildirBatchWorker } from '../../../src/storage/repositories/maildir-batch-worker.ts'
import { writeMessageFiles } from '../../../src/storage/repositories/write-message-files.ts'
import { type Fixture, storageFixture, testPasswordHash } from '../storage/storage-fixture.ts'

let f: Fixture
let ann: number
const enc = (s: string) => new TextEncoder().encode(s)
const cur = () => join(f.dir, 'maildir', 'example.test', 'ann', 'cur')

beforeEach(async () => {
  f = await storageFixture()
  await f.storage.domains.add('example.test')
  ann = (await f.storage.accounts.create({ email: 'ann@example.test', passwordHash: await testPasswordHash() })).id
})
afterEach(() => f.cleanup())

describe('appendBatch', () => {
  test('one batch: consecutive UIDs, one MODSEQ, flags in names, mtime = internal date, one event', async () => {
    const inbox = await f.storage.mailboxes.get(ann, 'INBOX')
    if (!inbox) throw new Error('no INBOX')
    await f.storage.messages.append({ accountId: ann, mailbox: 'INBOX', content: enc('Subject: first\r\n\r\nx\r\n') })
    const events: MailboxEvent[] = []
    const off = f.storage.events.subscribe(inbox.id, e => events.push(e))
    const result = await f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'inbox',
      messages: [
        {
          content: enc('Subject: a\r\nFrom: A <a@x.test>\r\n\r\n1\r\n'),
          flags: ['\\Seen'],
          internalDate: Date.UTC(2020, 0, 1),
        },
        {
          content: enc('Subject: b\r\n\r\n22\r\n'),
          flags: ['\\Flagged', '\\Draft'],
          keywords: ['Work'],
          internalDate: Date.UTC(2020, 0, 2),
        },
        { content: enc('Subject: c\r\n\r\n333\r\n'), internalDate: Date.UTC(2020, 0, 3) },
      ],
    })
    off()
    expect(result.appended.map(a => a.uid)).toEqual([2, 3, 4])
    expect(new Set(result.appended.map(a => a.modseq)).size).toBe(1)
    expect(events).toEqual([
      { mailboxId: inbox.id, kind: 'append', uids: [2, 3, 4], modseq: result.appended[0]?.modseq as number },
    ])
    const records = await f.storage.messages.list(inbox.id, { envelopes: true })
    expect(records.map(r => [r.uid, r.flags, r.keywords, r.internalDate, r.envelope?.subject])).toEqual([
      [1, [], [], expect.any(Number), 'first'],
      [2, ['\\Seen'], [], Date.UTC(2020, 0, 1), 'a'],
      [3, ['\\Flagged', '\\Draft'], ['Work'], Date.UTC(2020, 0, 2), 'b'],
      [4, [], [], Date.UTC(2020, 0, 3), 'c'],
    ])
    const names = readdirSync(cur())
    expect(names.filter(n => n.endsWith(':2,DF'))).toHaveLength(1)
    const seen = records[1]
    expect(statSync(join(cur(), seen?.maildirFile ?? '')).mtimeMs).toBe(Date.UTC(2020, 0, 1))
    expect(readdirSync(join(cur(), '..', 'tmp'))).toEqual([])
    expect(new TextDecoder().decode((await f.storage.messages.readBytes(inbox.id, 3)) ?? new Uint8Array())).toBe(
      'Subject: b\r\n\r\n22\r\n',
    )
  })

  test('over quota: refused, no file left, nothing indexed', async () => {
    await f.storage.accounts.update(ann, { quotaBytes: 20 })
    await expect(
      f.storage.messageBatches.appendBatch({
        accountId: ann,
        mailbox: 'INBOX',
        messages: [{ content: enc('Subject: too big for the quota\r\n\r\n'), internalDate: 0 }],
      }),
    ).rejects.toThrow('is full')
    expect(readdirSync(cur())).toEqual([])
  })

  test('a failing index commit removes every file of the batch; an unknown mailbox is refused', async () => {
    // A trigger makes the insert fail the way a full disk or a broken database would.
    f.storage.db.$client.run(
      "CREATE TRIGGER refuse_batch BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    const batch = f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'INBOX',
      messages: [1, 2, 3].map(i => ({ content: enc(`Subject: ${i}\r\n\r\nx\r\n`), internalDate: 0 })),
    })
    await expect(batch).rejects.toThrow('could not be stored')
    expect(readdirSync(cur())).toEqual([])
    expect(readdirSync(join(cur(), '..', 'tmp'))).toEqual([])
    f.storage.db.$client.run('DROP TRIGGER refuse_batch')
    await expect(
      f.storage.messageBatches.appendBatch({ accountId: ann, mailbox: 'Nope', messages: [] }),
    ).rejects.toThrow('no such mailbox: Nope')
  })
})

describe('overlapping batches', () => {
  test('a batch given `after` is indexed after it, whichever writes its files first', async () => {
    const first = f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'INBOX',
      messages: Array.from({ length: 200 }, (_, i) => ({
        content: enc(`Subject: a${i}\r\n\r\nx\r\n`),
        internalDate: i,
      })),
    })
    const second = f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'INBOX',
      messages: [{ content: enc('Subject: b\r\n\r\ny\r\n'), internalDate: 0 }],
      after: first,
    })
    const [a, b] = await Promise.all([first, second])
    expect(a.appended.map(r => r.uid)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(b.appended.map(r => r.uid)).toEqual([201])
  })

  test('the quota is checked again once the earlier batch is indexed', async () => {
    await f.storage.accounts.update(ann, { quotaBytes: 60 })
    const content = enc('Subject: twenty-five bytes\r\n\r\n') // 30 bytes
    const first = f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'INBOX',
      messages: [{ content, internalDate: 0 }],
    })
    const second = f.storage.messageBatches.appendBatch({
      accountId: ann,
      mailbox: 'INBOX',
      messages: [
        { content, internalDate: 0 },
        { content, internalDate: 0 },
      ],
      after: first,
    })
    await first
    await expect(second).rejects.toThrow('is full')
    expect(readdirSync(cur())).toHaveLength(1)
    expect(readdirSync(join(cur(), '..', 'tmp'))).toEqual([])
  })
})

describe.each([
  ['on the worker', undefined],
  ['on this thread', null],
] as const)('writeMessageFiles %s', (_where, worker) => {
  const folder = () => {
    const dir = join(f.dir, 'folder')
    for (const sub of ['cur', 'tmp']) mkdirSync(join(dir, sub), { recursive: true })
    return dir
  }
  const file = (unique: string) => ({ fileName: `${unique},S=1:2,S`, content: enc('x'), mtime: Date.UTC(2021, 1, 1) })

  test('every file lands in cur/ under its name, dated, nothing left in tmp/', async () => {
    const dir = folder()
    const paths = await writeMessageFiles(dir, ['a', 'b', 'c'].map(file), { worker })
    expect(paths).toEqual(['a', 'b', 'c'].map(u => join(dir, 'cur', `${u},S=1:2,S`)))
    expect(paths.map(p => statSync(p).mtimeMs)).toEqual([1, 2, 3].map(() => Date.UTC(2021, 1, 1)))
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  })

  test("a failed file fails the batch and takes back what it wrote, not a stranger's tmp file", async () => {
    const dir = folder()
    writeFileSync(join(dir, 'tmp', 'taken'), 'not ours')
    await expect(writeMessageFiles(dir, ['a', 'b', 'taken', 'c'].map(file), { worker })).rejects.toThrow('EEXIST')
    expect(readdirSync(join(dir, 'cur'))).toEqual([])
    expect(readdirSync(join(dir, 'tmp'))).toEqual(['taken'])
    expect(existsSync(join(dir, 'tmp', 'taken'))).toBe(true)
  })
})

describe('syncMany', () => {
  test.each([false, true])('perFile %p: files and directories synced', async perFile => {
    const dir = join(f.dir, `sync-${perFile}`)
    mkdirSync(dir)
    const files = [0, 1, 2].map(i => join(dir, `f${i}`))
    for (const file of files) writeFileSync(file, 'x')
    const how = await syncMany(files, [dir], { perFile })
    expect(how).toBe(perFile ? 'fsync' : process.platform === 'linux' ? 'syncfs' : 'fsync')
  })
  test('a missing file fails the per-file path', async () => {
    await expect(syncMany([join(f.dir, 'missing')], [f.dir], { perFile: true })).rejects.toThrow()
  })
})

describe('maildir batch worker', () => {
  const linux = process.platform === 'linux'
  test('syncfs on its own thread; a missing path fails; after an idle stop it starts again', async () => {
    const worker = createMaildirBatchWorker({ idleMs: 50 })
    expect(await worker.syncfs(f.dir)).toBe(linux ? 'synced' : 'unavailable')
    expect(await worker.syncfs(join(f.dir, 'missing'))).toBe(linux ? 'failed' : 'unavailable')
    await Bun.sleep(200)
    const [a, b] = await Promise.all([worker.syncfs(f.dir), worker.syncfs(f.dir)])
    expect([a, b]).toEqual(linux ? ['synced', 'synced'] : ['unavailable', 'unavailable'])
  })
})
