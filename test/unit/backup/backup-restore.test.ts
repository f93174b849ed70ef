// Backup and restore with a directory target against a real storage: full round trip (messages,
// flags, UIDs, UIDVALIDITY, queued mail), incremental uploads, files renamed / moved / expunged
// after the snapshot, refusals, damage detection, encryption, retention, status and the lock.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { acquireBackupLock } from '../../../src/backup/backup-lock.ts'
import { deriveBackupKeys } from '../../../src/backup/backup-key.ts'
import { readBackupStatus } from '../../../src/backup/backup-status.ts'
import { type CreateBackupOptions, createBackup } from '../../../src/backup/create-backup.ts'
import { createDirectoryTarget } from '../../../src/backup/directory-target.ts'
import { listSnapshots } from '../../../src/backup/list-backups.ts'
import { restoreBackup } from '../../../src/backup/restore-backup.ts'
import { manualClock, systemClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { writeRuntimeState } from '../../../src/core/runtime-state.ts'
import { createOutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { createStorage, type Storage } from '../../../src/storage/index.ts'
import { type Fixture, storageFixture, tempDir, testPasswordHash } from '../storage/storage-fixture.ts'

let f: Fixture
let storage: Storage
let ann: number
let work: string
let backups: string

const enc = (s: string) => new TextEncoder().encode(s)

beforeEach(async () => {
  f = await storageFixture()
  storage = f.storage
  work = tempDir('backup-test-')
  backups = join(work, 'backups')
  await storage.domains.add('example.test')
  ann = (await storage.accounts.create({ email: 'ann@example.test', passwordHash: await testPasswordHash() })).id
  await storage.mailboxes.create(ann, 'Lists/bun')
  for (let i = 0; i < 12; i++)
    await storage.messages.append({
      accountId: ann,
      mailbox: i % 3 === 0 ? 'Lists/bun' : 'INBOX',
      content: enc(`Subject: m${i}\r\nMessage-ID: <${i}@example.test>\r\n\r\nbody ${i}\r\n`),
      flags: i % 2 ? ['\\Seen'] : [],
      keywords: i === 4 ? ['Work'] : [],
      internalDate: Date.UTC(2025, 0, 1 + i),
    })
})
afterEach(() => {
  f.cleanup()
  Bun.spawnSync(['rm', '-rf', work])
})

const options = (overrides: Partial<CreateBackupOptions> = {}): CreateBackupOptions => ({
  dataDir: f.dir,
  target: createDirectoryTarget(backups),
  keys: null,
  clock: systemClock,
  logger: silentLogger,
  hostname: 'test.example',
  concurrency: 4,
  refreshObjectsAfterDays: 0,
  retention: { keep: 0, maxAgeDays: 0 },
  ...overrides,
})

const restore = (dataDir: string, overrides: Partial<Parameters<typeof restoreBackup>[0]> = {}) =>
  restoreBackup({
    dataDir,
    target: createDirectoryTarget(backups),
    id: 'latest',
    keys: null,
    clock: systemClock,
    logger: silentLogger,
    concurrency: 4,
    force: false,
    ...overrides,
  })

/** Mailbox → UIDVALIDITY and [uid, flags, keywords, internal date, bytes] of every message. */
async function stateOf(s: Storage, email = 'ann@example.test') {
  const account = await s.accounts.get(email)
  if (!account) throw new Error('no account')
  const out: Record<string, { uidValidity: number; messages: unknown[] }> = {}
  for (const box of await s.mailboxes.list(account.id)) {
    const messages = []
    for (const r of await s.messages.list(box.id))
      messages.push([
        r.uid,
        r.flags,
        r.keywords,
        r.internalDate,
        new TextDecoder().decode((await s.messages.readBytes(box.id, r.uid)) ?? new Uint8Array()),
      ])
    out[box.name] = { uidValidity: box.uidValidity, messages }
  }
  return out
}

const objectFiles = () =>
  existsSync(join(backups, 'objects'))
    ? readdirSync(join(backups, 'objects'), { recursive: true, withFileTypes: true }).filter(e => e.isFile()).length
    : 0

describe('round trip', () => {
  test('restore gives back every message, flag, UID and UIDVALIDITY, and queued outbound mail', async () => {
    const queue = createOutboundQueue({ storage, clock: systemClock, logger: silentLogger })
    const queued = await queue.enqueue({
      sender: 'ann@example.test',
      recipients: [{ address: 'someone@remote.test', notify: null, orcpt: null }],
      content: enc('Subject: outbound\r\n\r\nqueued\r\n'),
    })
    const before = await stateOf(storage)
    const result = await createBackup(options())
    expect(result.summary.stats).toMatchObject({ files: 13, missing: 0, uploaded: 13, reused: 0 })

    const target = join(work, 'restored')
    const restored = await restore(target)
    expect(restored.files).toBe(13)
    expect(restored.previousData).toBeNull()
    const again = await createStorage({ dataDir: target, hostname: 'test.example' })
    try {
      expect(await stateOf(again)).toEqual(before)
      const entry = await createOutboundQueue({ storage: again, clock: systemClock, logger: silentLogger }).get(
        queued.id,
      )
      expect(entry?.state).toBe('queued')
      expect(readFileSync(join(target, 'queue', `${queued.id}.eml`), 'utf8')).toContain('queued')
      // New mail continues after the restored UIDs.
      const next = await again.messages.append({
        accountId: ann,
        mailbox: 'INBOX',
        content: enc('Subject: after\r\n\r\nx\r\n'),
      })
      expect(next.uid).toBe(9)
    } finally {
      again.close()
    }
  })

  test('a second backup uploads only what changed', async () => {
    await createBackup(options())
    const objects = objectFiles()
    await storage.messages.append({ accountId: ann, mailbox: 'INBOX', content: enc('Subject: new\r\n\r\nnew\r\n') })
    const second = await createBackup(options())
    expect(second.summary.stats).toMatchObject({ files: 13, uploaded: 1, reused: 12 })
    expect(objectFiles()).toBe(objects + 1)
    expect((await listSnapshots(createDirectoryTarget(backups))).snapshots.map(s => s.id)).toHaveLength(2)
  })

  test('files renamed, moved or expunged after the snapshot: content kept, expunged ones dropped', async () => {
    const inbox = await storage.mailboxes.get(ann, 'INBOX')
    const lists = await storage.mailboxes.get(ann, 'Lists/bun')
    if (!inbox || !lists) throw new Error('mailboxes missing')
    const records = await storage.messages.list(inbox.id)
    const dir = join(f.dir, 'maildir', 'example.test', 'ann')
    const [renamed, moved, expunged] = records
    if (!renamed || !moved || !expunged) throw new Error('messages missing')
    const before = await stateOf(storage)
    let done = false
    const result = await createBackup(
      options({
        // Between the database snapshot and the file copies (what a busy server does meanwhile):
        // flags change (rename), a MOVE to another folder, an expunge.
        onProgress: p => {
          if (p.phase !== 'files' || done) return
          done = true
          renameSync(
            join(dir, 'cur', renamed.maildirFile),
            join(dir, 'cur', `${renamed.maildirFile.split(':')[0]}:2,FS`),
          )
          renameSync(join(dir, 'cur', moved.maildirFile), join(dir, '.Lists.bun', 'cur', moved.maildirFile))
          unlinkSync(join(dir, 'cur', expunged.maildirFile))
        },
      }),
    )
    expect(result.summary.stats).toMatchObject({ files: 11, missing: 1 })
    const target = join(work, 'restored')
    const restored = await restore(target)
    expect(restored.reconcile.dropped).toBe(1)
    const again = await createStorage({ dataDir: target, hostname: 'test.example' })
    try {
      const state = await stateOf(again)
      const inboxBefore = before.INBOX?.messages as unknown[][]
      // The snapshot's view: the expunged message is gone, the renamed and moved ones are as they were.
      expect(state.INBOX?.messages).toEqual(inboxBefore.filter(m => m[0] !== expunged.uid))
      expect(state['Lists/bun']).toEqual(before['Lists/bun'])
    } finally {
      again.close()
    }
  })
})

describe('restore refusals', () => {
  test('existing data: refused with what would be replaced; --force moves it aside', async () => {
    await createBackup(options())
    const target = join(work, 'busy')
    const other = await createStorage({ dataDir: target, hostname: 'test.example' })
    await other.domains.add('other.test')
    const bob = await other.accounts.create({ email: 'bob@other.test', passwordHash: await testPasswordHash() })
    await other.messages.append({ accountId: bob.id, mailbox: 'INBOX', content: enc('Subject: keep me\r\n\r\nx\r\n') })
    other.close()
    const refusal = await restore(target).catch(e => e as Error)
    expect(refusal).toBeInstanceOf(Error)
    expect((refusal as Error).message).toContain('holds data that the restore would replace')
    expect((refusal as Error).message).toContain('the database (1 accounts, 6 mailboxes, 1 messages)')
    expect((refusal as Error).message).toContain('mail files of 1 domain(s)')
    expect((refusal as Error).message).toContain('--force')
    const forced = await restore(target, { force: true })
    expect(forced.previousData).toMatch(/pre-restore-/)
    expect(existsSync(join(forced.previousData as string, 'mail.db'))).toBe(true)
    expect(readdirSync(join(forced.previousData as string, 'maildir'))).toEqual(['other.test'])
    const again = await createStorage({ dataDir: target, hostname: 'test.example' })
    try {
      expect(await again.accounts.get('bob@other.test')).toBeNull()
      expect(await again.accounts.get('ann@example.test')).not.toBeNull()
    } finally {
      again.close()
    }
  })

  test('a running server on the data directory: refused even with --force', async () => {
    await createBackup(options())
    const target = join(work, 'live')
    writeRuntimeState(target, { pid: process.pid, startedAt: '', version: 'x', http: [], listeners: [] })
    await expect(restore(target, { force: true })).rejects.toThrow(`a server (pid ${process.pid}) is running`)
  })

  test('a damaged object fails the restore before anything is replaced', async () => {
    const result = await createBackup(options())
    const objectsDir = join(backups, 'objects')
    const [first] = readdirSync(objectsDir)
    const [name] = readdirSync(join(objectsDir, first as string))
    writeFileSync(join(objectsDir, first as string, name as string), Bun.gzipSync(enc('tampered')))
    const target = join(work, 'damaged')
    const existing = await createStorage({ dataDir: target, hostname: 'test.example' })
    existing.close()
    await expect(restore(target, { force: true, id: result.summary.id })).rejects.toThrow('does not match its checksum')
    // Nothing moved aside, no staging left behind.
    expect(readdirSync(target).filter(n => n.startsWith('pre-restore') || n.startsWith('restore-'))).toEqual([])
    expect(existsSync(join(target, 'mail.db'))).toBe(true)
  })

  test('unknown snapshot id', async () => {
    await createBackup(options())
    await expect(restore(join(work, 'x'), { id: '20200101T000000Z-0000' })).rejects.toThrow(
      'no backup 20200101T000000Z-0000',
    )
  })
})

describe('encryption', () => {
  const keys = deriveBackupKeys(new Uint8Array(32).fill(3))
  test('objects are unreadable without the key; restore needs the right one', async () => {
    const result = await createBackup(options({ keys }))
    expect(result.summary.encryption).toEqual({ algorithm: 'AES-256-GCM-STREAM-64K', keyId: keys.id })
    for (const entry of readdirSync(backups, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name === 'summary.json') continue
      const bytes = readFileSync(join(entry.parentPath, entry.name))
      expect(bytes.subarray(0, 8).toString()).toBe('MSBKENC1')
    }
    await expect(restore(join(work, 'a'))).rejects.toThrow(`is encrypted (key ${keys.id})`)
    await expect(restore(join(work, 'b'), { keys: deriveBackupKeys(new Uint8Array(32).fill(4)) })).rejects.toThrow(
      `was encrypted with key ${keys.id}`,
    )
    const target = join(work, 'c')
    await restore(target, { keys })
    const again = await createStorage({ dataDir: target, hostname: 'test.example' })
    try {
      expect(await stateOf(again)).toEqual(await stateOf(storage))
    } finally {
      again.close()
    }
  })
})

describe('retention, status, lock', () => {
  test('keep 2: the oldest snapshot and the objects only it used are removed', async () => {
    const inbox = await storage.mailboxes.get(ann, 'INBOX')
    if (!inbox) throw new Error('no INBOX')
    // Objects written during a run are protected from that run's retention (another run may be
    // about to reference them); the last run here starts an hour later, past that window.
    const clock = manualClock(Date.now())
    const run = () => createBackup(options({ clock, retention: { keep: 2, maxAgeDays: 0 } }))
    const first = await run()
    // Expunge one message: once the first snapshot goes, nothing needs its object.
    const [victim] = await storage.messages.list(inbox.id)
    await storage.messages.setFlags(inbox.id, [{ from: victim?.uid ?? 0, to: victim?.uid ?? 0 }], {
      mode: 'add',
      flags: ['\\Deleted'],
    })
    await storage.messages.expunge(inbox.id)
    clock.advance(60_000)
    await run()
    expect(objectFiles()).toBe(12)
    clock.advance(3_600_000)
    const third = await run()
    expect(third.removedSnapshots).toEqual([first.summary.id])
    expect(third.removedObjects).toBe(1)
    expect(third.retentionError).toBeNull()
    expect(objectFiles()).toBe(11)
    const remaining = (await listSnapshots(createDirectoryTarget(backups))).snapshots.map(s => s.id)
    expect(remaining).toHaveLength(2)
    expect(remaining).not.toContain(first.summary.id)
    // What remains still restores completely.
    const restored = await restore(join(work, 'after-retention'))
    expect(restored.files).toBe(11)
  })

  test('status: running progress, success, then a failure keeps the last success', async () => {
    expect(readBackupStatus(f.dir)).toEqual({ lastRun: null, lastSuccess: null })
    const seen: string[] = []
    const ok = await createBackup(
      options({
        onProgress: p => {
          if (!seen.includes(p.phase)) seen.push(p.phase)
          if (p.phase === 'files') expect(readBackupStatus(f.dir).lastRun?.state).toBe('running')
        },
      }),
    )
    expect(seen).toEqual(['database', 'files', 'finishing'])
    const status = readBackupStatus(f.dir)
    expect(status.lastRun).toMatchObject({ id: ok.summary.id, state: 'succeeded', error: null })
    expect(status.lastRun?.stats?.files).toBe(12)
    // A target that cannot be written (a file where the directory should be).
    writeFileSync(join(work, 'not-a-dir'), '')
    await expect(createBackup(options({ target: createDirectoryTarget(join(work, 'not-a-dir')) }))).rejects.toThrow()
    const after = readBackupStatus(f.dir)
    expect(after.lastRun?.state).toBe('failed')
    expect(after.lastRun?.error).toBeTruthy()
    expect(after.lastSuccess?.id).toBe(ok.summary.id)
  })

  test('one backup at a time per data directory; a stale lock is taken over', async () => {
    const lock = acquireBackupLock(f.dir)
    await expect(createBackup(options())).rejects.toThrow('already running')
    lock.release()
    writeFileSync(join(f.dir, 'backup', 'lock'), '999999999:0')
    const result = await createBackup(options())
    expect(result.summary.stats.files).toBe(12)
    expect(existsSync(join(f.dir, 'backup', 'lock'))).toBe(false)
  })
})
