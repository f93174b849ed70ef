// Group commit of new messages (src/storage/repositories/delivery-committer.ts) and the coalesced
// sync it uses for the WAL: batches share one transaction (one MODSEQ per mailbox), a batch in
// flight does not take latecomers, failures stay with their entries, the connection returns to
// synchronous = FULL, and what was acknowledged survives closing and reopening the storage.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import type { Database } from 'bun:sqlite'
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentLogger } from '../../../src/core/logger.ts'
import type { AccountRecord, MailboxRecord, Storage } from '../../../src/storage/index.ts'
import { coalescedSync } from '../../../src/storage/maildir/coalesced-sync.ts'
import {
  createDeliveryCommitter,
  type DeliveryCommitter,
  type DeliveryCommitterDeps,
  type PendingDelivery,
} from '../../../src/storage/repositories/delivery-committer.ts'
import {
  createMaildirBatchWorker,
  type FileJob,
  type IndexAnswer,
  type SyncfsOutcome,
  type WriteEachAnswer,
  writeFilesHere,
} from '../../../src/storage/repositories/maildir-batch-worker.ts'
import { type Fixture, sampleMessage, storageFixture, testPasswordHash } from './storage-fixture.ts'

let fx: Fixture
let storage: Storage
let sqlite: Database
let ann: AccountRecord
let inbox: MailboxRecord
let committer: DeliveryCommitter

beforeEach(async () => {
  fx = await storageFixture()
  storage = fx.storage
  sqlite = storage.db.$client
  await storage.domains.add('example.com')
  ann = await storage.accounts.create({ email: 'ann@example.com', passwordHash: await testPasswordHash() })
  inbox = (await storage.mailboxes.get(ann.id, 'INBOX')) as MailboxRecord
  committer = committerWith()
})
afterEach(() => fx.cleanup())

const annDir = () => join(fx.dir, 'maildir', 'example.com', 'ann')

/** A file placed in INBOX's cur/ the way the message repository does before committing it. */
let serial = 0
function placed(mailboxId = inbox.id, folderDir = annDir()): PendingDelivery {
  const fileName = `1700000000.M${++serial}P1.test,S=10:2,`
  writeFileSync(join(folderDir, 'cur', fileName), 'x'.repeat(10))
  return {
    mailboxId,
    folderDir,
    message: { fileName, size: 10, internalDate: 1_700_000_000_000, flags: 0, keywords: [], envelope: null },
  }
}

/** A committer on the fixture's database, with the given ways to run its steps. */
const committerWith = (steps: Pick<DeliveryCommitterDeps, 'fileWork' | 'indexOnWorker'> = {}) =>
  createDeliveryCommitter({ db: storage.db, sqlite, logger: silentLogger, ...steps })

const synchronous = () => sqlite.query<{ synchronous: number }, []>('PRAGMA synchronous').get()?.synchronous

describe('delivery committer', () => {
  test('deliveries queued together share one transaction: consecutive UIDs, one MODSEQ', async () => {
    const rows = await Promise.all(Array.from({ length: 8 }, () => committer.commit(placed())))
    expect(rows.map(r => r.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(new Set(rows.map(r => r.modseq)).size).toBe(1)
    expect(rows.every(r => r.uidValidity === inbox.uidValidity)).toBe(true)
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // 1 = NORMAL only for the batch's own transaction; the connection is back to FULL (2).
    expect(synchronous()).toBe(2)
  })

  test('a delivery arriving while a batch is in flight goes into the next batch', async () => {
    const first = committer.commit(placed())
    await Bun.sleep(0) // the first batch has started
    const later = Promise.all([committer.commit(placed()), committer.commit(placed())])
    const [a, [b, c]] = await Promise.all([first, later])
    expect([a.uid, b.uid, c.uid]).toEqual([1, 2, 3])
    expect(b.modseq).toBe(c.modseq)
    expect(b.modseq > a.modseq).toBe(true)
  })

  test('a mailbox that no longer exists fails its entry only', async () => {
    const sent = (await storage.mailboxes.get(ann.id, 'Sent')) as MailboxRecord
    await storage.mailboxes.delete(ann.id, 'Sent')
    const gone = placed(sent.id) // its row is gone; the file sits in a folder that still exists
    const results = await Promise.allSettled([committer.commit(placed()), committer.commit(gone)])
    expect(results[0]?.status).toBe('fulfilled')
    expect(results[1]?.status).toBe('rejected')
    if (results[1]?.status === 'rejected') expect(results[1].reason.codes.code).toBe('unknown_mailbox')
    expect(await storage.messages.uids(inbox.id)).toEqual([1])
  })

  test('a cur/ that cannot be synced fails the deliveries into it, not the others', async () => {
    const missing: PendingDelivery = { ...placed(), folderDir: join(fx.dir, 'no-such-folder') }
    const results = await Promise.allSettled([committer.commit(placed()), committer.commit(missing)])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected'])
    expect(await storage.messages.uids(inbox.id)).toEqual([1])
  })

  /**
   * fileWork that writes on this thread and answers `outcome` for every sync path and `walOutcome`
   * for an fdatasync asked for first; `calls` records each job's sync paths (the WAL as `wal`).
   */
  const fileWorkAnswering =
    (outcome: SyncfsOutcome, calls: string[][] = [], walOutcome: SyncfsOutcome = 'synced') =>
    (files: readonly FileJob[], paths: readonly string[], options?: { fdatasyncFirst?: string }) => {
      const wal = options?.fdatasyncFirst
      calls.push(wal === undefined ? [...paths] : [wal === `${sqlite.filename}-wal` ? 'wal' : wal, ...paths])
      const errors = files.map(file => {
        try {
          writeFilesHere([file])
          return null
        } catch (e) {
          return e as Error
        }
      })
      const written: Promise<WriteEachAnswer> = Promise.resolve({ errors, synced: paths.map(() => outcome) })
      return { written, fdatasynced: wal === undefined ? null : Promise.resolve(walOutcome) }
    }

  test.each([
    ['synced', 'answers the batch'],
    ['failed', 'leaves the batch to the WAL sync of its own, which answers it'],
  ] as const)(
    "after the first, a batch's WAL is fdatasynced first thing in the next worker job: %s %s",
    async walOutcome => {
      const calls: string[][] = []
      const chained = committerWith({
        fileWork: fileWorkAnswering('synced', calls, walOutcome),
      })
      // The first commit syncs the WAL (and its directory) on the pool.
      expect((await chained.commit({ ...placed(), dataSynced: false })).uid).toBe(1)
      expect((await chained.commit({ ...placed(), dataSynced: false })).uid).toBe(2)
      expect(calls).toEqual([[annDir()], [annDir()], ['wal']])
      expect(await storage.messages.uids(inbox.id)).toEqual([1, 2])
    },
  )

  test('with syncfs, one call per file system covers the batch, and unsynced files are accepted', async () => {
    const calls: string[][] = []
    const withSyncfs = committerWith({
      fileWork: fileWorkAnswering('synced', calls),
    })
    const rows = await Promise.all(
      Array.from({ length: 5 }, () => withSyncfs.commit({ ...placed(), dataSynced: false })),
    )
    expect(rows.map(r => r.uid)).toEqual([1, 2, 3, 4, 5])
    expect(calls).toEqual([[annDir()]])
  })

  test('a failed syncfs refuses the whole batch and indexes nothing', async () => {
    const failing = committerWith({
      fileWork: fileWorkAnswering('failed'),
    })
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => failing.commit({ ...placed(), dataSynced: false })),
    )
    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(await storage.messages.uids(inbox.id)).toEqual([])
  })

  test('where syncfs is unavailable, unsynced files are fdatasynced one by one; a missing one fails alone', async () => {
    const unavailable = committerWith({
      fileWork: fileWorkAnswering('unavailable'),
    })
    const gone = placed()
    rmSync(join(annDir(), 'cur', gone.message.fileName))
    const results = await Promise.allSettled([
      unavailable.commit({ ...placed(), dataSynced: false }),
      unavailable.commit({ ...gone, dataSynced: false }),
      unavailable.commit({ ...placed(), dataSynced: false }),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2])
  })

  /** A delivery whose file the committer writes (an SMTP message): nothing is in cur/ yet. */
  function unwritten(body: string, folderDir = annDir()): PendingDelivery {
    const fileName = `1700000000.M${++serial}P1.test,S=${body.length}:2,`
    return {
      mailboxId: inbox.id,
      folderDir,
      message: {
        fileName,
        size: body.length,
        internalDate: Date.UTC(2022, 5, 1),
        flags: 0,
        keywords: [],
        envelope: null,
      },
      content: new TextEncoder().encode(body),
    }
  }

  /** A committer that writes files on a real worker (step 2 here), or writes them on this thread. */
  const writingCommitter = (onWorker: boolean) => {
    const worker = createMaildirBatchWorker({ idleMs: 50 })
    return committerWith({
      fileWork: onWorker ? (...args) => worker.writeEachAndSync(...args) : undefined,
    })
  }

  test.each([
    ['on the worker, with syncfs', true],
    ['on this thread, file by file', false],
  ])('files left to the committer are written %s: in cur/, dated, indexed, nothing in tmp/', async (_how, onWorker) => {
    const writing = writingCommitter(onWorker)
    const deliveries = ['one', 'two', 'three'].map(b => unwritten(`body ${b}\r\n`))
    const rows = await Promise.all(deliveries.map(d => writing.commit(d)))
    expect(rows.map(r => r.uid)).toEqual([1, 2, 3])
    for (const d of deliveries) {
      const path = join(annDir(), 'cur', d.message.fileName)
      expect(await Bun.file(path).text()).toBe(new TextDecoder().decode(d.content))
      expect(statSync(path).mtimeMs).toBe(Date.UTC(2022, 5, 1))
    }
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    // A later batch: its WAL sync (step 3) is the first thing of the worker's next job.
    const later = unwritten('later\r\n')
    expect((await writing.commit(later)).uid).toBe(4)
    expect(await Bun.file(join(annDir(), 'cur', later.message.fileName)).text()).toBe('later\r\n')
  })

  test.each([
    ['on the worker', true],
    ['on this thread', false],
  ])('%s, a file that cannot be written fails its delivery alone', async (_how, onWorker) => {
    const writing = writingCommitter(onWorker)
    const taken = unwritten('taken\r\n')
    // Its tmp/ name belongs to another file: the exclusive create fails, and that file is left alone.
    writeFileSync(join(annDir(), 'tmp', taken.message.fileName.split(',')[0] as string), 'not ours')
    const results = await Promise.allSettled([
      writing.commit(unwritten('a\r\n')),
      writing.commit(taken),
      writing.commit(unwritten('b\r\n')),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('EEXIST')
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2])
    expect(readdirSync(join(annDir(), 'cur'))).toHaveLength(2)
    expect(readdirSync(join(annDir(), 'tmp'))).toHaveLength(1)
  })

  test('a file written for a folder that is gone fails with ENOENT', async () => {
    const writing = writingCommitter(true)
    const results = await Promise.allSettled([
      writing.commit(unwritten('kept\r\n')),
      writing.commit(unwritten('lost\r\n', join(fx.dir, 'no-such-folder'))),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected'])
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('ENOENT')
  })

  test('a failed transaction fails its whole batch and leaves no rows; the next batch works', async () => {
    // Another connection holds the write lock past busy_timeout (lowered for the test).
    sqlite.run('PRAGMA busy_timeout = 50')
    const other = await fx.open()
    const blocker = other.db.$client
    blocker.run('BEGIN IMMEDIATE')
    const failed = await Promise.allSettled([committer.commit(placed()), committer.commit(placed())])
    blocker.run('ROLLBACK')
    expect(failed.map(r => r.status)).toEqual(['rejected', 'rejected'])
    expect(await storage.messages.uids(inbox.id)).toEqual([])
    expect(synchronous()).toBe(2)
    const ok = await committer.commit(placed())
    expect(ok.uid).toBe(1)
  })

  test('acknowledged rows and files are there after the storage is closed and reopened', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        storage.messages.deliverToAccounts({ targets: [{ accountId: ann.id }], content: sampleMessage(`m${i}`) }),
      ),
    )
    const uids = outcomes.map(([o]) => (o?.ok ? o.uid : -1)).sort((a, b) => a - b)
    expect(uids).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    storage.close()
    const reopened = await fx.open()
    expect(await reopened.messages.uids(inbox.id)).toEqual(uids)
    for (const uid of uids) expect((await reopened.messages.readBytes(inbox.id, uid))?.length).toBeGreaterThan(0)
    expect(await reopened.reconcile()).toMatchObject({ indexed: 0, dropped: 0 })
  })
})

describe('delivery committer, all steps on the worker', () => {
  const body = (n: number) => `message ${n}\r\n`
  function unwrittenIn(mailboxId: number, n: number): PendingDelivery {
    const text = body(n)
    return {
      mailboxId,
      folderDir: annDir(),
      message: {
        fileName: `1700000001.M${++serial}P1.test,S=${text.length}:2,`,
        size: text.length,
        internalDate: Date.UTC(2023, 0, 2),
        flags: 0,
        keywords: n % 2 ? ['$Forwarded'] : [],
        envelope: null,
      },
      content: new TextEncoder().encode(text),
    }
  }
  const onWorker = () => {
    const worker = createMaildirBatchWorker({ idleMs: 200 })
    return committerWith({
      fileWork: (...args) => worker.writeEachAndSync(...args),
      indexOnWorker: (...args) => worker.writeSyncAndIndex(...args),
    })
  }

  test('after the first batch, files are written, synced and indexed by the worker; rows and files agree', async () => {
    const committer = onWorker()
    const stamp = () => sqlite.query<{ stamp: number }, []>('SELECT stamp FROM catalog_stamp').get()?.stamp
    expect((await committer.commit(unwrittenIn(inbox.id, 0))).uid).toBe(1) // WAL directory synced here
    const before = stamp()
    const deliveries = [1, 2, 3, 4].map(n => unwrittenIn(inbox.id, n))
    const rows = await Promise.all(deliveries.map(d => committer.commit(d)))
    expect(rows.map(r => r.uid)).toEqual([2, 3, 4, 5])
    expect(new Set(rows.map(r => r.modseq)).size).toBe(1)
    expect(rows.every(r => r.uidValidity === inbox.uidValidity)).toBe(true)
    const records = await storage.messages.list(inbox.id)
    expect(records.map(r => [r.uid, r.maildirFile, r.keywords, r.internalDate])).toEqual([
      [1, expect.any(String), [], Date.UTC(2023, 0, 2)],
      ...deliveries.map((d, i) => [i + 2, d.message.fileName, d.message.keywords, Date.UTC(2023, 0, 2)]),
    ])
    for (const [i, d] of deliveries.entries())
      expect(await Bun.file(join(annDir(), 'cur', d.message.fileName)).text()).toBe(body(i + 1))
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    // Message rows from the worker's connection leave the routing caches' stamp alone.
    expect(stamp()).toBe(before)
  })

  test('a file that cannot be written and a mailbox that is gone fail alone', async () => {
    const committer = onWorker()
    await committer.commit(unwrittenIn(inbox.id, 0))
    const sent = (await storage.mailboxes.get(ann.id, 'Sent')) as MailboxRecord
    await storage.mailboxes.delete(ann.id, 'Sent')
    const taken = unwrittenIn(inbox.id, 1)
    writeFileSync(join(annDir(), 'tmp', taken.message.fileName.split(',')[0] as string), 'not ours')
    const results = await Promise.allSettled([
      committer.commit(unwrittenIn(inbox.id, 2)),
      committer.commit(taken),
      committer.commit(unwrittenIn(sent.id, 3)),
      committer.commit(unwrittenIn(inbox.id, 4)),
    ])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('EEXIST')
    expect((results[2] as PromiseRejectedResult).reason.codes.code).toBe('unknown_mailbox')
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2, 3])
  })

  /** indexOnWorker that writes here and answers as told. */
  const stubbed = (answer: Partial<IndexAnswer>, calls: { n: number }) =>
    committerWith({
      indexOnWorker: async (files, paths) => {
        calls.n++
        for (const file of files) writeFilesHere([file])
        return { errors: files.map(() => null), synced: paths.map(() => 'synced' as const), ...answer }
      },
    })

  test('syncfs unavailable on the worker: the batch and every later one are indexed here', async () => {
    const calls = { n: 0 }
    const committer = stubbed({ synced: ['unavailable'] }, calls)
    await committer.commit(unwrittenIn(inbox.id, 0)) // no worker path yet (WAL directory)
    const rows = await Promise.all([1, 2].map(n => committer.commit(unwrittenIn(inbox.id, n))))
    await committer.commit(unwrittenIn(inbox.id, 3))
    expect([...rows.map(r => r.uid)]).toEqual([2, 3])
    expect(calls.n).toBe(1)
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2, 3, 4])
  })

  test('a failed transaction on the worker refuses its batch', async () => {
    const committer = stubbed({ indexError: 'database is locked' }, { n: 0 })
    await committer.commit(unwrittenIn(inbox.id, 0))
    const results = await Promise.allSettled([1, 2].map(n => committer.commit(unwrittenIn(inbox.id, n))))
    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('database is locked')
  })

  test('rows indexed whose WAL sync failed on the worker get a sync of their own', async () => {
    const committer = stubbed({ rows: [[7, 9, inbox.uidValidity]], walSynced: false }, { n: 0 })
    await committer.commit(unwrittenIn(inbox.id, 0))
    expect(await committer.commit(unwrittenIn(inbox.id, 1))).toMatchObject({ uid: 7, modseq: 9 })
  })
})

describe('coalescedSync', () => {
  test('requests made during a run share the one run after it; none is answered by an earlier run', async () => {
    const log: string[] = []
    let runs = 0
    let release: () => void = () => {}
    const sync = coalescedSync(async () => {
      const n = ++runs
      log.push(`start ${n}`)
      await new Promise<void>(resolve => {
        release = resolve
      })
      log.push(`end ${n}`)
    })
    const first = sync().then(() => log.push('first done'))
    const second = sync().then(() => log.push('second done'))
    const third = sync().then(() => log.push('third done'))
    await Bun.sleep(1)
    release() // end of run 1: only `first` may complete; run 2 starts for the others
    await first
    await Bun.sleep(1)
    release()
    await Promise.all([second, third])
    expect(runs).toBe(2)
    expect(log).toEqual(['start 1', 'end 1', 'first done', 'start 2', 'end 2', 'second done', 'third done'])
  })

  test('a failed run rejects its requests; the next request runs again', async () => {
    let runs = 0
    const sync = coalescedSync(async () => {
      runs++
      if (runs === 1) throw new Error('EIO')
    })
    await expect(sync()).rejects.toThrow('EIO')
    await sync()
    expect(runs).toBe(2)
  })
})
