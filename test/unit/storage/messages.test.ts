import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AccountRecord, MailboxRecord, Storage } from '../../../src/storage/index.ts'
import { encode, type Fixture, sampleMessage, storageFixture, testPasswordHash } from './storage-fixture.ts'

let fx: Fixture
let storage: Storage
let ann: AccountRecord
let inbox: MailboxRecord

beforeEach(async () => {
  fx = await storageFixture()
  storage = fx.storage
  await storage.domains.add('example.com')
  ann = await storage.accounts.create({ email: 'ann@example.com', passwordHash: await testPasswordHash() })
  inbox = (await storage.mailboxes.get(ann.id, 'INBOX')) as MailboxRecord
})
afterEach(() => fx.cleanup())

const annDir = () => join(fx.dir, 'maildir', 'example.com', 'ann')
const curFiles = (folder = '') => readdirSync(join(annDir(), folder, 'cur')).sort()
const ALL = [{ from: 1, to: Number.MAX_SAFE_INTEGER }]
const mailbox = async (name: string) => (await storage.mailboxes.get(ann.id, name)) as MailboxRecord

describe('append', () => {
  test('UIDs strictly increase, MODSEQ increases, content is byte-identical', async () => {
    const results = []
    const bodies: Uint8Array[] = []
    for (let i = 0; i < 5; i++) {
      // 8-bit and CRLF bytes must survive untouched.
      const body = new Uint8Array([...sampleMessage(`m${i}`), 0xff, 0x00, 0x0d, 0x0a, i])
      bodies.push(body)
      results.push(await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: body }))
    }
    expect(results.map(r => r.uid)).toEqual([1, 2, 3, 4, 5])
    for (let i = 1; i < results.length; i++) {
      expect((results[i]?.modseq ?? 0) > (results[i - 1]?.modseq ?? 0)).toBe(true)
    }
    expect(results.every(r => r.uidValidity === inbox.uidValidity)).toBe(true)
    for (const [i, r] of results.entries()) {
      expect(Buffer.compare(readFileSync(r.path), bodies[i] as Uint8Array)).toBe(0)
      expect(await storage.messages.readBytes(inbox.id, r.uid)).toEqual(bodies[i] as Uint8Array)
    }
    const status = await storage.mailboxes.status(inbox.id)
    expect(status).toMatchObject({ messages: 5, unseen: 5, uidNext: 6, highestModseq: results[4]?.modseq })
    // Nothing left in tmp/ after successful deliveries.
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
  })

  test('stores flags in the name, the internal date as mtime, the envelope in the index', async () => {
    const internalDate = Date.UTC(2020, 5, 1, 12, 0, 0)
    const r = await storage.messages.append({
      accountId: ann.id,
      mailbox: 'inbox',
      content: sampleMessage('with flags'),
      flags: ['\\Seen', '\\Flagged'],
      keywords: ['$Forwarded'],
      internalDate,
    })
    expect(r.path).toMatch(/\/cur\/\d+\.M\d+P\d+Q\d+R[0-9a-f]{8}\.test\.example,S=\d+:2,FS$/)
    expect(r.path).toContain(`,S=${r.size}:2,`)
    expect(statSync(r.path).mtimeMs).toBe(internalDate)
    const record = await storage.messages.get(inbox.id, r.uid)
    expect(record).toMatchObject({
      flags: ['\\Seen', '\\Flagged'],
      keywords: ['$Forwarded'],
      internalDate,
      size: r.size,
      envelope: {
        subject: 'with flags',
        from: [{ name: 'Ann Example', address: 'ann@example.test' }],
        to: [{ name: '', address: 'bob@example.test' }],
        messageId: '<with flags@example.test>',
        date: 'Tue, 1 Apr 2025 10:00:00 +0200',
      },
    })
  })

  test('streams are written as they arrive', async () => {
    async function* chunks() {
      yield encode('Subject: streamed\r\n\r\n')
      for (let i = 0; i < 100; i++) yield encode(`line ${i}\r\n`)
    }
    const r = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: chunks() })
    const text = readFileSync(r.path, 'utf8')
    expect(text.startsWith('Subject: streamed\r\n\r\nline 0\r\n')).toBe(true)
    expect(r.size).toBe(Buffer.byteLength(text))
    expect((await storage.messages.get(inbox.id, r.uid))?.envelope?.subject).toBe('streamed')
  })

  test('unknown mailbox → NO [TRYCREATE]', async () => {
    await expect(
      storage.messages.append({ accountId: ann.id, mailbox: 'Nope', content: sampleMessage() }),
    ).rejects.toMatchObject({ codes: { imap: 'TRYCREATE', code: 'unknown_mailbox' } })
  })

  test('over quota → over_quota, nothing stored', async () => {
    await storage.accounts.update(ann.id, { quotaBytes: 300 })
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    const big = new Uint8Array(400).fill(0x41)
    await expect(storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: big })).rejects.toMatchObject({
      codes: { code: 'over_quota', smtp: [552, '5.2.2'], imap: 'OVERQUOTA' },
    })
    async function* stream() {
      yield big
    }
    await expect(
      storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: stream() }),
    ).rejects.toMatchObject({
      codes: { code: 'over_quota' },
    })
    expect(curFiles()).toHaveLength(1)
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    expect(await storage.messages.uids(inbox.id)).toEqual([1])
  })

  test('if the index commit fails, the file is unlinked and no UID is used', async () => {
    storage.db.$client.run(
      "CREATE TRIGGER fail_insert BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    const error = await storage.messages
      .append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'temporary' })
    expect(curFiles()).toEqual([])
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    expect((await storage.mailboxes.status(inbox.id)).uidNext).toBe(1)
    storage.db.$client.run('DROP TRIGGER fail_insert')
    expect((await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })).uid).toBe(
      1,
    )
  })

  test('concurrent appends through two storages on the same directory never share a UID', async () => {
    const other = await fx.open()
    const jobs = Array.from({ length: 30 }, (_, i) =>
      (i % 2 === 0 ? storage : other).messages.append({
        accountId: ann.id,
        mailbox: 'INBOX',
        content: sampleMessage(`c${i}`),
      }),
    )
    const results = await Promise.all(jobs)
    const uids = results.map(r => r.uid).sort((a, b) => a - b)
    expect(uids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(new Set(results.map(r => r.path)).size).toBe(30)
    expect(curFiles()).toHaveLength(30)
    expect(await other.messages.uids(inbox.id)).toEqual(uids)
  })
})

describe('appends from two processes (server and CLI share the files)', () => {
  test('SQLite locking keeps UIDs unique and dense', async () => {
    const script = join(fx.dir, 'append-worker.ts')
    writeFileSync(
      script,
      `import { createStorage } from ${JSON.stringify(join(import.meta.dir, '../../../src/storage/index.ts'))}\n` +
        'const [dataDir, accountId, count, tag] = process.argv.slice(2)\n' +
        'const storage = await createStorage({ dataDir })\n' +
        'const uids = []\n' +
        'for (let i = 0; i < Number(count); i++) {\n' +
        '  const content = new TextEncoder().encode(`Subject: ${tag}-${i}\\r\\n\\r\\nbody\\r\\n`)\n' +
        "  uids.push((await storage.messages.append({ accountId: Number(accountId), mailbox: 'INBOX', content })).uid)\n" +
        '}\n' +
        'storage.close()\n' +
        'console.log(JSON.stringify(uids))\n',
    )
    const run = async (tag: string) => {
      const proc = Bun.spawn([process.execPath, script, fx.dir, String(ann.id), '25', tag], {
        stdout: 'pipe',
        stderr: 'pipe',
      })
      const [out, err, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ])
      expect({ code, err }).toEqual({ code: 0, err: '' })
      return JSON.parse(out) as number[]
    }
    const [a, b] = await Promise.all([run('a'), run('b')])
    const all = [...(a ?? []), ...(b ?? [])].sort((x, y) => x - y)
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(curFiles()).toHaveLength(50)
  })
})

describe('deliverToAccounts', () => {
  test('one file per recipient, hard-linked, each indexed; a bad target fails alone', async () => {
    const bob = await storage.accounts.create({ email: 'bob@example.com', passwordHash: await testPasswordHash() })
    const content = sampleMessage('to both')
    const outcomes = await storage.messages.deliverToAccounts({
      targets: [
        { accountId: ann.id },
        { accountId: bob.id, mailbox: 'Junk', flags: ['\\Seen'] },
        { accountId: ann.id, mailbox: 'Missing' },
      ],
      content,
    })
    expect(outcomes.map(o => o.ok)).toEqual([true, true, false])
    const [a, b, c] = outcomes
    if (!a?.ok || !b?.ok || c?.ok !== false) throw new Error('unexpected outcomes')
    expect(c.error.codes.code).toBe('unknown_mailbox')
    expect(a.path).not.toBe(b.path)
    expect(b.path).toContain('/bob/.Junk/cur/')
    expect(b.path.endsWith(':2,S')).toBe(true)
    expect(new Uint8Array(readFileSync(a.path))).toEqual(content)
    expect(new Uint8Array(readFileSync(b.path))).toEqual(content)
    expect(statSync(a.path).ino).toBe(statSync(b.path).ino)
    expect(await storage.messages.uids(a.mailboxId)).toEqual([1])
    expect(await storage.messages.uids(b.mailboxId)).toEqual([1])
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
  })

  test('a single copy: byte-identical, flags and internal date kept, tmp/ empty, envelope at first read', async () => {
    const content = sampleMessage('single')
    const when = Date.UTC(2024, 4, 6, 7, 8, 9)
    const [outcome] = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, flags: ['\\Flagged'] }],
      content,
      internalDate: when,
    })
    if (!outcome?.ok) throw new Error('delivery failed')
    expect(new Uint8Array(readFileSync(outcome.path))).toEqual(content)
    expect(outcome.path.endsWith(`,S=${content.length}:2,F`)).toBe(true)
    expect(Math.floor(statSync(outcome.path).mtimeMs / 1000)).toBe(when / 1000)
    expect(readdirSync(join(annDir(), 'tmp'))).toEqual([])
    // Not parsed on delivery: the first read parses the file's header block and stores it.
    const stored = () =>
      storage.db.$client
        .query<{ envelope_json: string | null }, [number]>('SELECT envelope_json FROM messages WHERE uid = ?')
        .get(outcome.uid)?.envelope_json
    expect(stored()).toBeNull()
    const record = await storage.messages.get(inbox.id, outcome.uid)
    expect(record).toMatchObject({ flags: ['\\Flagged'], internalDate: when, size: content.length })
    expect(record?.envelope?.subject).toBe('single')
    expect(JSON.parse(stored() ?? 'null')?.subject).toBe('single')
  })

  test('list() fills the envelopes it lacks only when asked; a file gone leaves its envelope empty', async () => {
    const delivered = []
    for (const subject of ['one', 'two', 'gone']) {
      const [outcome] = await storage.messages.deliverToAccounts({
        targets: [{ accountId: ann.id }],
        content: sampleMessage(subject),
      })
      if (!outcome?.ok) throw new Error('delivery failed')
      delivered.push(outcome)
    }
    rmSync(delivered[2]?.path as string)
    // IMAP and POP3 list without asking: nothing is read or stored for them.
    expect((await storage.messages.list(inbox.id)).map(r => r.envelope)).toEqual([null, null, null])
    const list = await storage.messages.list(inbox.id, { envelopes: true })
    expect(list.map(r => r.envelope?.subject ?? null)).toEqual(['one', 'two', null])
  })

  test('a folder removed behind the server back is created again for the next delivery', async () => {
    const first = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, mailbox: 'Junk' }],
      content: sampleMessage('a'),
    })
    expect(first[0]?.ok).toBe(true)
    rmSync(join(annDir(), '.Junk'), { recursive: true })
    const second = await storage.messages.deliverToAccounts({
      targets: [{ accountId: ann.id, mailbox: 'Junk' }],
      content: sampleMessage('b'),
    })
    const [outcome] = second
    if (!outcome?.ok) throw new Error(`delivery failed: ${outcome?.error.message}`)
    expect(new Uint8Array(readFileSync(outcome.path))).toEqual(sampleMessage('b'))
  })
})

describe('flags', () => {
  test('add / remove / replace rename the file, keep the content, bump MODSEQ', async () => {
    const content = sampleMessage('flagged')
    const r = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content })
    const add = await storage.messages.setFlags(inbox.id, [{ from: r.uid, to: r.uid }], {
      mode: 'add',
      flags: ['\\Seen', '\\Answered'],
      keywords: ['$Label1'],
    })
    expect(add.changed).toHaveLength(1)
    const after = add.changed[0]
    expect(after?.flags).toEqual(['\\Seen', '\\Answered'])
    expect(after?.keywords).toEqual(['$Label1'])
    expect((after?.modseq ?? 0) > r.modseq).toBe(true)
    expect(curFiles()).toEqual([after?.maildirFile as string])
    expect(after?.maildirFile.endsWith(':2,RS')).toBe(true)
    expect(new Uint8Array(readFileSync(join(annDir(), 'cur', after?.maildirFile as string)))).toEqual(content)

    const remove = await storage.messages.setFlags(inbox.id, ALL, {
      mode: 'remove',
      flags: ['\\Seen'],
      keywords: ['$label1'],
    })
    expect(remove.changed[0]?.flags).toEqual(['\\Answered'])
    expect(remove.changed[0]?.keywords).toEqual([])
    expect(curFiles()[0]?.endsWith(':2,R')).toBe(true)

    const replace = await storage.messages.setFlags(inbox.id, ALL, { mode: 'replace', flags: ['\\Deleted', '\\Draft'] })
    expect(replace.changed[0]?.flags).toEqual(['\\Deleted', '\\Draft'])
    expect(curFiles()[0]?.endsWith(':2,DT')).toBe(true)
    expect(await storage.messages.readBytes(inbox.id, r.uid)).toEqual(content)
  })

  test('a no-op change does not bump MODSEQ; UNCHANGEDSINCE reports MODIFIED', async () => {
    const r1 = await storage.messages.append({
      accountId: ann.id,
      mailbox: 'INBOX',
      content: sampleMessage('a'),
      flags: ['\\Seen'],
    })
    const r2 = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('b') })
    const before = (await storage.mailboxes.status(inbox.id)).highestModseq
    const noop = await storage.messages.setFlags(inbox.id, [{ from: r1.uid, to: r1.uid }], {
      mode: 'add',
      flags: ['\\Seen'],
    })
    expect(noop.changed).toEqual([])
    expect((await storage.mailboxes.status(inbox.id)).highestModseq).toBe(before)
    // r2's MODSEQ is above r1's: with UNCHANGEDSINCE = r1.modseq only r1 may change.
    const conditional = await storage.messages.setFlags(
      inbox.id,
      ALL,
      { mode: 'add', flags: ['\\Flagged'] },
      { unchangedSince: r1.modseq },
    )
    expect(conditional.changed.map(m => m.uid)).toEqual([r1.uid])
    expect(conditional.modified).toEqual([r2.uid])
    expect((await storage.messages.list(inbox.id, { changedSince: before })).map(m => m.uid)).toEqual([r1.uid])
    expect(
      await storage.messages.list(inbox.id, { changedSince: before, uids: [{ from: r2.uid, to: r2.uid }] }),
    ).toEqual([])
  })

  test('a file renamed by another tool is still found', async () => {
    const r = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    const name = curFiles()[0] as string
    renameSync(join(annDir(), 'cur', name), join(annDir(), 'cur', `${name.split(':')[0]}:2,Sa`))
    const result = await storage.messages.setFlags(inbox.id, ALL, { mode: 'add', flags: ['\\Flagged'] })
    // Our flags win for this change; the tool's unknown letter 'a' survives.
    expect(result.changed[0]?.maildirFile.endsWith(':2,Fa')).toBe(true)
    expect(curFiles()).toEqual([result.changed[0]?.maildirFile as string])
    expect(await storage.messages.readBytes(inbox.id, r.uid)).toEqual(sampleMessage())
  })
})

describe('expunge', () => {
  test('removes only \\Deleted messages (within the UID set), files and rows; VANISHED data kept', async () => {
    for (let i = 0; i < 4; i++)
      await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage(`e${i}`) })
    await storage.messages.setFlags(inbox.id, [{ from: 1, to: 3 }], { mode: 'add', flags: ['\\Deleted'] })
    const modseqBefore = (await storage.mailboxes.status(inbox.id)).highestModseq
    expect(await storage.messages.expunge(inbox.id, { uids: [{ from: 2, to: 2 }] })).toEqual([2])
    expect(await storage.messages.expunge(inbox.id)).toEqual([1, 3])
    expect(await storage.messages.uids(inbox.id)).toEqual([4])
    expect(curFiles()).toHaveLength(1)
    const status = await storage.mailboxes.status(inbox.id)
    expect(status.highestModseq).toBeGreaterThan(modseqBefore)
    expect(await storage.messages.expungedSince(inbox.id, modseqBefore)).toEqual([1, 2, 3])
    expect(await storage.messages.expungedSince(inbox.id, status.highestModseq)).toEqual([])
    expect(await storage.messages.open(inbox.id, 1)).toBeNull()
    expect(await storage.messages.expunge(inbox.id)).toEqual([])
  })
})

describe('copy and move', () => {
  test('copy gives new UIDs in the target (COPYUID), the source stays', async () => {
    await storage.messages.append({
      accountId: ann.id,
      mailbox: 'INBOX',
      content: sampleMessage('c1'),
      flags: ['\\Seen'],
      keywords: ['Work'],
    })
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('c2') })
    const archive = await mailbox('Archive')
    await storage.messages.append({ accountId: ann.id, mailbox: 'Archive', content: sampleMessage('already') })
    const result = await storage.messages.copy(inbox.id, ALL, archive.id)
    expect(result).toEqual({
      uidValidity: archive.uidValidity,
      pairs: [
        [1, 2],
        [2, 3],
      ],
    })
    expect(await storage.messages.uids(inbox.id)).toEqual([1, 2])
    const copied = await storage.messages.get(archive.id, 2)
    expect(copied).toMatchObject({ flags: ['\\Seen'], keywords: ['Work'], envelope: { subject: 'c1' } })
    expect(await storage.messages.readBytes(archive.id, 2)).toEqual(sampleMessage('c1'))
    expect(curFiles('.Archive')).toHaveLength(3)
    expect(curFiles()).toHaveLength(2)
  })

  test('move: new UIDs in the target, source expunged, files moved', async () => {
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('m1') })
    await storage.messages.append({
      accountId: ann.id,
      mailbox: 'INBOX',
      content: sampleMessage('m2'),
      flags: ['\\Flagged'],
    })
    const trash = await mailbox('Trash')
    const modseqBefore = (await storage.mailboxes.status(inbox.id)).highestModseq
    const result = await storage.messages.move(inbox.id, [{ from: 2, to: 2 }], trash.id)
    expect(result.pairs).toEqual([[2, 1]])
    expect(await storage.messages.uids(inbox.id)).toEqual([1])
    expect(await storage.messages.expungedSince(inbox.id, modseqBefore)).toEqual([2])
    expect(await storage.messages.get(trash.id, 1)).toMatchObject({ flags: ['\\Flagged'], envelope: { subject: 'm2' } })
    expect(curFiles()).toHaveLength(1)
    expect(curFiles('.Trash')).toHaveLength(1)
    expect(await storage.messages.readBytes(trash.id, 1)).toEqual(sampleMessage('m2'))
  })

  test('copy to a missing mailbox → TRYCREATE', async () => {
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage() })
    await expect(storage.messages.copy(inbox.id, ALL, 999_999)).rejects.toMatchObject({ codes: { imap: 'TRYCREATE' } })
  })
})

describe('reading', () => {
  test('open returns a Bun file; a vanished file gives null', async () => {
    const r = await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('read') })
    const opened = await storage.messages.open(inbox.id, r.uid)
    expect(await opened?.file.text()).toBe(new TextDecoder().decode(sampleMessage('read')))
    unlinkSync(r.path)
    expect(await storage.messages.open(inbox.id, r.uid)).toBeNull()
    expect(await storage.messages.readBytes(inbox.id, r.uid)).toBeNull()
    expect(await storage.messages.open(inbox.id, 42)).toBeNull()
  })

  test('list by UID ranges; setBodyStructure', async () => {
    for (let i = 0; i < 6; i++)
      await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage(`l${i}`) })
    const uids = (ranges: Array<{ from: number; to: number }>) =>
      storage.messages.list(inbox.id, { uids: ranges }).then(list => list.map(m => m.uid))
    expect(
      await uids([
        { from: 2, to: 3 },
        { from: 5, to: 5 },
      ]),
    ).toEqual([2, 3, 5])
    expect(await uids([{ from: 5, to: Number.MAX_SAFE_INTEGER }])).toEqual([5, 6])
    expect(await uids([])).toEqual([])
    // Many ranges are filtered in memory instead of SQL.
    const many = Array.from({ length: 300 }, (_, i) => ({ from: i * 2 + 1, to: i * 2 + 1 }))
    expect(await uids(many)).toEqual([1, 3, 5])
    await storage.messages.setBodyStructure(inbox.id, 1, '{"type":"text"}')
    expect((await storage.messages.get(inbox.id, 1))?.bodyStructureJson).toBe('{"type":"text"}')
  })
})

describe('mailboxes', () => {
  test('create makes missing parents and the folders; duplicates and bad names are refused', async () => {
    const box = await storage.mailboxes.create(ann.id, 'Projects/2025/Q1')
    expect(box).toMatchObject({ name: 'Projects/2025/Q1', folder: '.Projects.2025.Q1', uidNext: 1 })
    const names = (await storage.mailboxes.list(ann.id)).map(b => b.name)
    expect(names).toEqual(expect.arrayContaining(['Projects', 'Projects/2025', 'Projects/2025/Q1']))
    expect(statSync(join(annDir(), '.Projects.2025.Q1', 'cur')).isDirectory()).toBe(true)
    await expect(
      storage.mailboxes.create(ann.id, 'projects/2025/Q1'.replace('projects', 'Projects')),
    ).rejects.toMatchObject({
      codes: { imap: 'ALREADYEXISTS', code: 'mailbox_exists' },
    })
    await expect(storage.mailboxes.create(ann.id, 'inbox')).rejects.toMatchObject({ codes: { code: 'mailbox_exists' } })
    await expect(storage.mailboxes.create(ann.id, 'a//b')).rejects.toMatchObject({
      codes: { code: 'invalid_mailbox_name' },
    })
    await expect(storage.mailboxes.create(ann.id, 'X', { specialUse: '\\Bogus' })).rejects.toMatchObject({
      codes: { code: 'mailbox_not_allowed' },
    })
  })

  test('rename moves inferiors and folders, keeps UIDVALIDITY and messages', async () => {
    const parent = await storage.mailboxes.create(ann.id, 'Old')
    await storage.mailboxes.create(ann.id, 'Old/Child')
    await storage.messages.append({ accountId: ann.id, mailbox: 'Old/Child', content: sampleMessage('kept') })
    const renamed = await storage.mailboxes.rename(ann.id, 'Old', 'New/Name')
    expect(renamed).toMatchObject({
      id: parent.id,
      name: 'New/Name',
      folder: '.New.Name',
      uidValidity: parent.uidValidity,
    })
    const child = await mailbox('New/Name/Child')
    expect(child.folder).toBe('.New.Name.Child')
    expect(await storage.mailboxes.get(ann.id, 'New')).not.toBeNull()
    expect(existsSync(join(annDir(), '.Old'))).toBe(false)
    expect(await storage.messages.readBytes(child.id, 1)).toEqual(sampleMessage('kept'))
    await expect(storage.mailboxes.rename(ann.id, 'New/Name', 'Sent')).rejects.toMatchObject({
      codes: { code: 'mailbox_exists' },
    })
    await expect(storage.mailboxes.rename(ann.id, 'Nope', 'X')).rejects.toMatchObject({
      codes: { imap: 'NONEXISTENT' },
    })
    await expect(storage.mailboxes.rename(ann.id, 'New', 'New/Name/Child/Deeper')).rejects.toMatchObject({
      codes: { code: 'mailbox_not_allowed' },
    })
  })

  test('renaming INBOX moves its messages into a new mailbox and leaves INBOX empty', async () => {
    await storage.messages.append({ accountId: ann.id, mailbox: 'INBOX', content: sampleMessage('old inbox') })
    const moved = await storage.mailboxes.rename(ann.id, 'INBOX', 'Before 2026')
    expect(await storage.messages.uids(inbox.id)).toEqual([])
    expect(await storage.messages.uids(moved.id)).toEqual([1])
    expect((await mailbox('INBOX')).id).toBe(inbox.id)
  })

  test('delete: not INBOX, not with inferiors; removes the folder; re-creation gets a new UIDVALIDITY', async () => {
    await expect(storage.mailboxes.delete(ann.id, 'INBOX')).rejects.toMatchObject({
      codes: { code: 'mailbox_not_allowed' },
    })
    const first = await storage.mailboxes.create(ann.id, 'Tmp/Sub')
    await expect(storage.mailboxes.delete(ann.id, 'Tmp')).rejects.toMatchObject({
      codes: { code: 'mailbox_not_allowed' },
    })
    await storage.messages.append({ accountId: ann.id, mailbox: 'Tmp/Sub', content: sampleMessage() })
    await storage.mailboxes.delete(ann.id, 'Tmp/Sub')
    expect(await storage.mailboxes.get(ann.id, 'Tmp/Sub')).toBeNull()
    expect(existsSync(join(annDir(), '.Tmp.Sub'))).toBe(false)
    expect(readdirSync(annDir()).filter(n => n.startsWith('deleted~'))).toEqual([])
    const again = await storage.mailboxes.create(ann.id, 'Tmp/Sub')
    expect(again.uidValidity).not.toBe(first.uidValidity)
    await expect(storage.mailboxes.delete(ann.id, 'Nope')).rejects.toMatchObject({ codes: { imap: 'NONEXISTENT' } })
  })

  test('subscribe and status', async () => {
    expect((await storage.mailboxes.setSubscribed(ann.id, 'Junk', false)).subscribed).toBe(false)
    await storage.messages.append({
      accountId: ann.id,
      mailbox: 'INBOX',
      content: sampleMessage('s1'),
      flags: ['\\Seen'],
    })
    await storage.messages.append({
      accountId: ann.id,
      mailbox: 'INBOX',
      content: sampleMessage('s2'),
      flags: ['\\Deleted'],
    })
    const status = await storage.mailboxes.status(inbox.id)
    expect(status).toMatchObject({ messages: 2, unseen: 1, deleted: 1, uidNext: 3, uidValidity: inbox.uidValidity })
    expect(status.size).toBe(sampleMessage('s1').length + sampleMessage('s2').length)
  })
})
