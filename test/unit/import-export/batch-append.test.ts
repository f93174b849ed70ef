// storage.messageBatches (the bulk write path imports use): consecutive UIDs and one MODSEQ per
// batch, files in cur/ named with their flags and dated with the internal date, one event for
// IMAP sessions, and nothing left behind when the batch is refused.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MailboxEvent } from '../../../src/storage/index.ts'
import { syncMany } from '../../../src/storage/repositories/sync-file-system.ts'
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
    const records = await f.storage.messages.list(inbox.id)
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
