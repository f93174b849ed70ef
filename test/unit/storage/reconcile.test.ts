// Crash simulations for the write path (DESIGN.md "Storage contract"): we stop after each step of
// a delivery by running the steps ourselves, then check what reconcile makes of the result.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readdirSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { manualClock } from '../../../src/core/clock.ts'
import { type AccountRecord, createStorage, type MailboxRecord, type Storage } from '../../../src/storage/index.ts'
import { deliverFile, writeTmpFile } from '../../../src/storage/maildir/deliver.ts'
import { flagsToBits } from '../../../src/storage/maildir/flags.ts'
import { createUniqueNameGenerator } from '../../../src/storage/maildir/unique-name.ts'
import { insertMessages } from '../../../src/storage/repositories/message-rows.ts'
import { type Fixture, sampleMessage, storageFixture, testPasswordHash } from './storage-fixture.ts'

const clock = manualClock(Date.now())
let fx: Fixture
let storage: Storage
let ann: AccountRecord
let inbox: MailboxRecord

beforeEach(async () => {
  clock.set(Date.now())
  fx = await storageFixture({ clock })
  storage = fx.storage
  await storage.domains.add('example.com')
  ann = await storage.accounts.create({ email: 'ann@example.com', passwordHash: await testPasswordHash() })
  inbox = (await storage.mailboxes.get(ann.id, 'INBOX')) as MailboxRecord
})
afterEach(() => fx.cleanup())

const annDir = () => join(fx.dir, 'maildir', 'example.com', 'ann')
const names = () => createUniqueNameGenerator({ clock, host: 'crash.example' })
const HOUR = 60 * 60 * 1000

describe('crash after step 1: file only in tmp/', () => {
  test('not indexed; left alone while young, removed after 36 hours', async () => {
    const tmp = await writeTmpFile(annDir(), names().next(), sampleMessage('half'), clock.now())
    let report = await storage.reconcile()
    expect(report).toMatchObject({ indexed: 0, tmpRemoved: 0 })
    expect(existsSync(tmp.path)).toBe(true)
    expect(await storage.messages.uids(inbox.id)).toEqual([])
    clock.advance(37 * HOUR)
    report = await storage.reconcile()
    expect(report).toMatchObject({ indexed: 0, tmpRemoved: 1 })
    expect(existsSync(tmp.path)).toBe(false)
  })

  test('an old internal date on a fresh tmp file does not make it look stale', async () => {
    const tmp = await writeTmpFile(annDir(), names().next(), sampleMessage('old date'), Date.UTC(2001, 0, 1))
    expect((await storage.reconcile()).tmpRemoved).toBe(0)
    expect(existsSync(tmp.path)).toBe(true)
  })
})

describe('crash after a rename into cur/ but before the batch sync (torn write)', () => {
  test('a file shorter than its S= size is left unindexed; one of the right size is indexed', async () => {
    const content = sampleMessage('torn')
    const unique = names().next()
    // What survives a crash when the data never reached the disk: the name, with fewer bytes.
    writeFileSync(join(annDir(), 'cur', `${unique},S=${content.length}:2,`), content.subarray(0, 10))
    const whole = names().next()
    writeFileSync(join(annDir(), 'cur', `${whole},S=${content.length}:2,S`), content)
    const report = await storage.reconcile()
    expect(report).toMatchObject({ indexed: 1, torn: 1 })
    const rows = await storage.messages.list(inbox.id)
    expect(rows.map(r => r.maildirFile)).toEqual([`${whole},S=${content.length}:2,S`])
  })
})

describe('crash after step 3: file renamed into cur/, no index row', () => {
  test('reconcile indexes it with the flags from its name', async () => {
    const content = sampleMessage('orphan')
    const file = await deliverFile({
      dir: annDir(),
      content,
      flags: flagsToBits(['\\Seen', '\\Answered']),
      internalDate: Date.UTC(2024, 1, 2),
      names: names(),
    })
    const report = await storage.reconcile()
    expect(report).toMatchObject({ accounts: 1, indexed: 1, dropped: 0 })
    const [record] = await storage.messages.list(inbox.id)
    expect(record).toMatchObject({
      uid: 1,
      flags: ['\\Seen', '\\Answered'],
      maildirFile: file.fileName,
      size: content.length,
      internalDate: Date.UTC(2024, 1, 2),
      envelope: { subject: 'orphan' },
    })
    expect(await storage.messages.readBytes(inbox.id, 1)).toEqual(content)
    // The next append continues after the recovered UID.
    expect((await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })).uid).toBe(
      2,
    )
  })

  test('files from other tools and from new/ are indexed in delivery order', async () => {
    const cur = join(annDir(), 'cur')
    const fresh = join(annDir(), 'new')
    writeFileSync(join(cur, '1234.abc:2,FRS'), sampleMessage('other tool'))
    writeFileSync(join(cur, '1300000000.M1P1.host'), sampleMessage('no info'))
    writeFileSync(join(fresh, '1400000000.M1P1.host'), sampleMessage('from new'))
    writeFileSync(join(cur, '.hidden'), 'not a message')
    // No time in the name: ordered by mtime, which other tools set to the delivery time.
    utimesSync(join(cur, '1234.abc:2,FRS'), new Date(Date.UTC(2001, 0, 1)), new Date(Date.UTC(2001, 0, 1)))
    const report = await storage.reconcile()
    expect(report).toMatchObject({ indexed: 3, movedFromNew: 1 })
    expect(readdirSync(fresh)).toEqual([])
    expect(readdirSync(cur)).toContain('1400000000.M1P1.host:2,')
    const list = await storage.messages.list(inbox.id)
    expect(list.map(m => [m.envelope?.subject, m.flags])).toEqual([
      ['other tool', ['\\Seen', '\\Answered', '\\Flagged']],
      ['no info', []],
      ['from new', []],
    ])
  })

  test('a folder on disk without a mailbox row becomes a mailbox', async () => {
    const folder = join(annDir(), '.Lists.rust-lang\\2eorg')
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(folder, sub), { recursive: true })
    writeFileSync(join(folder, 'cur', '1500000000.M1P1.host:2,S'), sampleMessage('list mail'))
    mkdirSync(join(annDir(), '.&bad-utf7')) // not canonical modified UTF-7: skipped with a warning
    mkdirSync(join(annDir(), '.&Jj!-'))
    const report = await storage.reconcile()
    expect(report).toMatchObject({ mailboxesCreated: 1, indexed: 1 })
    const box = (await storage.mailboxes.get(ann.id, 'Lists/rust-lang.org')) as MailboxRecord
    expect(box.folder).toBe('.Lists.rust-lang\\2eorg')
    expect((await storage.messages.list(box.id)).map(m => m.flags)).toEqual([['\\Seen']])
  })
})

describe('crash after commit: row without file', () => {
  test('reconcile drops the row and records the expunge', async () => {
    const keep = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('keep') })
    const lost = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('lost') })
    unlinkSync(lost.path)
    const before = (await storage.mailboxes.status(inbox.id)).highestModseq
    const report = await storage.reconcile()
    expect(report).toMatchObject({ dropped: 1, indexed: 0 })
    expect(await storage.messages.uids(inbox.id)).toEqual([keep.uid])
    expect(await storage.messages.expungedSince(inbox.id, before)).toEqual([lost.uid])
  })

  test('a mailbox whose folder vanished gets empty folders back', async () => {
    await storage.messages.append({ accountId: ann.id, mailbox: 'Sent', content: sampleMessage() })
    const sent = (await storage.mailboxes.get(ann.id, 'Sent')) as MailboxRecord
    Bun.spawnSync(['rm', '-rf', join(annDir(), '.Sent')])
    expect((await storage.reconcile()).dropped).toBe(1)
    expect(readdirSync(join(annDir(), '.Sent')).sort()).toEqual(['cur', 'maildirfolder', 'new', 'tmp'])
    expect(await storage.messages.uids(sent.id)).toEqual([])
  })
})

describe('crash between a flag rename and its commit (or another tool changed flags)', () => {
  test('the row follows the file: new name, flags from the name, MODSEQ bumped', async () => {
    const r = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    const name = readdirSync(join(annDir(), 'cur'))[0] as string
    const renamed = `${name.split(':')[0]}:2,FS`
    renameSync(join(annDir(), 'cur', name), join(annDir(), 'cur', renamed))
    const report = await storage.reconcile()
    expect(report).toMatchObject({ renamed: 1, indexed: 0, dropped: 0 })
    const record = await storage.messages.get(inbox.id, r.uid)
    expect(record).toMatchObject({ maildirFile: renamed, flags: ['\\Seen', '\\Flagged'] })
    expect((record?.modseq ?? 0) > r.modseq).toBe(true)
  })
})

describe('idempotence and leftovers', () => {
  test('a second reconcile changes nothing', async () => {
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    writeFileSync(join(annDir(), 'cur', '1234.abc:2,S'), sampleMessage('x'))
    expect((await storage.reconcile()).indexed).toBe(1)
    const before = await storage.mailboxes.status(inbox.id)
    const again = await storage.reconcile()
    expect(again).toMatchObject({ indexed: 0, dropped: 0, renamed: 0, movedFromNew: 0, mailboxesCreated: 0 })
    expect(await storage.mailboxes.status(inbox.id)).toEqual(before)
  })

  test('leftovers of an interrupted mailbox delete are removed', async () => {
    const leftover = join(annDir(), 'deleted~7~abc')
    mkdirSync(join(leftover, 'cur'), { recursive: true })
    writeFileSync(join(leftover, 'cur', 'x'), 'y')
    await storage.reconcile()
    expect(existsSync(leftover)).toBe(false)
    expect(await storage.mailboxes.get(ann.id, 'deleted~7~abc')).toBeNull()
  })

  test('account rows without a Maildir get their folders created', async () => {
    Bun.spawnSync(['rm', '-rf', annDir()])
    const report = await storage.reconcile({ accountId: ann.id })
    expect(report.accounts).toBe(1)
    expect(readdirSync(annDir())).toEqual(expect.arrayContaining(['cur', 'new', 'tmp', '.Sent', '.Trash']))
  })

  test('a reconcile in another process between delivery and commit does not duplicate the message', async () => {
    // "The server" finished step 3; "the CLI" reconciles and indexes the file before the server's
    // commit, which then finds the row and reuses its UID instead of adding a second one.
    const file = await deliverFile({
      dir: annDir(),
      content: sampleMessage('race'),
      flags: 0,
      internalDate: clock.now(),
      names: names(),
    })
    const cli = await fx.open()
    expect((await cli.reconcile()).indexed).toBe(1)
    const before = await storage.mailboxes.status(inbox.id)
    const item = {
      fileName: file.fileName,
      size: file.size,
      internalDate: clock.now(),
      flags: 0,
      keywords: [],
      envelope: null,
    }
    const inserted = storage.db.transaction(tx => insertMessages(tx, inbox.id, [item]))
    expect(inserted).toEqual([
      { fileName: file.fileName, uid: 1, modseq: before.highestModseq, uidValidity: inbox.uidValidity },
    ])
    expect(await storage.messages.uids(inbox.id)).toEqual([1])
    expect(await storage.mailboxes.status(inbox.id)).toEqual(before)
  })
})

describe('storage open options and probes', () => {
  test('createStorage({ reconcile: true }) reconciles before returning', async () => {
    writeFileSync(join(annDir(), 'cur', '1600000000.M1P1.host:2,S'), sampleMessage('while down'))
    const server = await createStorage({ dataDir: fx.dir, clock, reconcile: true })
    try {
      expect((await server.messages.list(inbox.id)).map(m => m.envelope?.subject)).toEqual(['while down'])
    } finally {
      server.close()
    }
  })

  test('checkWritable proves mail.db and maildir/ are writable, and fails once closed', async () => {
    const other = await fx.open()
    expect(await other.checkWritable()).toBe('mail.db and maildir writable')
    expect(readdirSync(join(fx.dir, 'maildir'))).toEqual(['example.com'])
    other.close()
    await expect(other.checkWritable()).rejects.toMatchObject({ kind: 'temporary' })
  })
})
