// Import and export against a real storage (SQLite + Maildir in a temp dir): a 10,000-message mbox,
// a Maildir++ tree with flags, keywords and nested folders, re-runs that add nothing, export →
// import round trips in both formats, and a malformed mbox whose good parts are imported.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { systemClock } from '../../../src/core/clock.ts'
import { exportMessages } from '../../../src/import-export/exporter.ts'
import { importMessages } from '../../../src/import-export/importer.ts'
import { openMaildirSource } from '../../../src/import-export/maildir-source.ts'
import { openMboxSource } from '../../../src/import-export/mbox-source.ts'
import type { Storage } from '../../../src/storage/index.ts'
import { type Fixture, storageFixture, testPasswordHash } from '../storage/storage-fixture.ts'

let f: Fixture
let storage: Storage
let ann: number

beforeEach(async () => {
  f = await storageFixture()
  storage = f.storage
  await storage.domains.add('example.test')
  ann = (await storage.accounts.create({ email: 'ann@example.test', passwordHash: await testPasswordHash() })).id
})
afterEach(() => f.cleanup())

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)

const run = (
  source: Awaited<ReturnType<typeof openMboxSource>>,
  options: { accountId?: number; mailbox?: string } = {},
) =>
  importMessages({
    storage,
    accountId: options.accountId ?? ann,
    source,
    mailbox: options.mailbox,
    clock: systemClock,
    maxMessageBytes: 10 * 2 ** 20,
  })

/** Every message of an account: mailbox → [{ flags, keywords, date, content }] in UID order. */
async function snapshot(accountId: number) {
  const out: Record<string, Array<{ flags: string[]; keywords: string[]; date: number; content: string }>> = {}
  for (const box of await storage.mailboxes.list(accountId)) {
    out[box.name] = []
    for (const r of await storage.messages.list(box.id)) {
      const bytes = await storage.messages.readBytes(box.id, r.uid)
      out[box.name]?.push({
        flags: [...r.flags].sort(),
        keywords: r.keywords,
        // mbox From_ lines and IMAP INTERNALDATE carry whole seconds.
        date: Math.floor(r.internalDate / 1000),
        content: dec(bytes ?? new Uint8Array()),
      })
    }
  }
  return out
}

function writeMbox(path: string, count: number): void {
  const parts: string[] = []
  for (let i = 0; i < count; i++) {
    const date = new Date(Date.UTC(2025, 0, 1) + i * 1000)
    const day = String(date.getUTCDate()).padStart(2, ' ')
    const time = date.toISOString().slice(11, 19)
    parts.push(
      `From sender@example.net ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()]} Jan ${day} ${time} 2025\n` +
        `From: Sender <sender@example.net>\nSubject: message ${i}\nMessage-ID: <${i}@example.net>\n` +
        `${i % 3 === 0 ? 'Status: RO\n' : ''}${i % 5 === 0 ? 'X-Status: F\n' : ''}\n` +
        `Body of ${i}.\n${i % 7 === 0 ? '>From quoted line\n' : ''}\n`,
    )
  }
  writeFileSync(path, parts.join(''))
}

describe('mbox import', () => {
  test('10,000 messages: all stored with flags, dates and unquoted bodies; a re-run adds nothing', async () => {
    const path = join(f.dir, 'big.mbox')
    writeMbox(path, 10_000)
    const summary = await run(await openMboxSource(path))
    expect(summary.problems).toEqual([])
    expect(summary.imported).toBe(10_000)
    const inbox = await storage.mailboxes.get(ann, 'INBOX')
    if (!inbox) throw new Error('no INBOX')
    const records = await storage.messages.list(inbox.id)
    expect(records).toHaveLength(10_000)
    expect(records.map(r => r.uid)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1))
    const r7 = records[7]
    if (!r7) throw new Error('missing')
    expect(r7.internalDate).toBe(Date.UTC(2025, 0, 1) + 7000)
    expect(dec((await storage.messages.readBytes(inbox.id, r7.uid)) ?? new Uint8Array())).toBe(
      'From: Sender <sender@example.net>\r\nSubject: message 7\r\nMessage-ID: <7@example.net>\r\n\r\nBody of 7.\r\nFrom quoted line\r\n',
    )
    expect(records.filter(r => r.flags.includes('\\Seen'))).toHaveLength(3334)
    expect(records.filter(r => r.flags.includes('\\Flagged'))).toHaveLength(2000)
    expect(records[15]?.flags.sort()).toEqual(['\\Flagged', '\\Seen'])
    // UIDVALIDITY/MODSEQ stay sane: one MODSEQ per batch, UIDNEXT past the last UID.
    const status = await storage.mailboxes.status(inbox.id)
    expect(status.uidNext).toBe(10_001)

    const again = await run(await openMboxSource(path))
    expect(again.imported).toBe(0)
    expect(again.duplicates).toBe(10_000)
    expect((await storage.mailboxes.status(inbox.id)).messages).toBe(10_000)
  }, 25_000)

  test('malformed parts are reported with line numbers and the rest is imported', async () => {
    const path = join(f.dir, 'broken.mbox')
    writeFileSync(
      path,
      'stray text before any separator\n' +
        'From a@example.net Thu Jan  1 00:00:00 2026\nSubject: good one\n\nfine\n\n' +
        'From b@example.net Thu Jan  1 00:01:00 2026\nthis is no header\n\n' +
        'From c@example.net Thu Jan  1 00:02:00 2026\nSubject: good two\n\nfine too\n\n' +
        'From d@example.net Thu Jan  1 00:03:00 2026\nSubject: cut\n\nthe end is miss',
    )
    const summary = await run(await openMboxSource(path))
    expect(summary.imported).toBe(2)
    expect(summary.problems.map(p => `${p.origin}: ${p.message}`)).toEqual([
      'broken.mbox line 1: no "From " line before it: line 1 skipped',
      'broken.mbox line 8: not a header field: message at line 7 skipped',
      'broken.mbox line 18: the file ends in the middle of line 18 (truncated): message at line 15 skipped',
    ])
    const all = await snapshot(ann)
    expect(all.INBOX?.map(m => m.content.split('\r\n')[0])).toEqual(['Subject: good one', 'Subject: good two'])
  })

  test('--mailbox puts the file into that mailbox (created), and a directory tree keeps its names', async () => {
    const one = join(f.dir, 'one.mbox')
    writeMbox(one, 3)
    expect((await run(await openMboxSource(one), { mailbox: 'Archive/2025' })).imported).toBe(3)
    const tree = join(f.dir, 'tree')
    mkdirSync(join(tree, 'Lists.sbd'), { recursive: true })
    writeMbox(join(tree, 'INBOX'), 1)
    writeMbox(join(tree, 'Lists'), 2)
    writeMbox(join(tree, 'Lists.sbd', 'bun'), 4)
    writeFileSync(join(tree, 'Lists.msf'), 'thunderbird index, not a mailbox')
    const summary = await run(await openMboxSource(tree))
    expect(summary.problems).toEqual([])
    const all = await snapshot(ann)
    expect([all['Archive/2025']?.length, all.INBOX?.length, all.Lists?.length, all['Lists/bun']?.length]).toEqual([
      3, 1, 2, 4,
    ])
  })
})

describe('Maildir import', () => {
  function maildirTree(root: string) {
    const put = (folder: string, sub: string, name: string, text: string, mtime: number) => {
      const dir = join(root, folder, sub)
      mkdirSync(dir, { recursive: true })
      for (const s of ['cur', 'new', 'tmp']) mkdirSync(join(root, folder, s), { recursive: true })
      writeFileSync(join(dir, name), text)
      utimesSync(join(dir, name), new Date(mtime), new Date(mtime))
    }
    put('', 'cur', '1700000001.M1P1.host,S=30:2,SR', 'Subject: seen answered\n\nbody\n', Date.UTC(2023, 10, 14))
    put('', 'new', '1700000002.M1P1.host', 'Subject: new\n\nbody\n', Date.UTC(2023, 10, 15))
    put('', 'tmp', '1700000003.M1P1.host', 'Subject: unfinished\n\n', Date.UTC(2023, 10, 15))
    put('.Sent', 'cur', '1700000004.M1P1.host:2,Sab', 'Subject: sent\r\n\r\nbody\r\n', Date.UTC(2023, 10, 16))
    put('.Lists.bun', 'cur', '1700000005.M1P1.host:2,FT', 'Subject: deep\n\nx\n', Date.UTC(2023, 10, 17))
    put('.Entw&APw-rfe', 'cur', '1700000006.M1P1.host:2,D', 'Subject: draft\n\nx\n', Date.UTC(2023, 10, 18))
    writeFileSync(join(root, '.Sent', 'dovecot-keywords'), '0 $Forwarded\n1 Work\n')
    writeFileSync(join(root, '.Sent', 'maildirfolder'), '')
  }

  test('a Maildir++ tree: folders, flags, keywords, dates; tmp/ ignored; a re-run adds nothing', async () => {
    const root = join(f.dir, 'Maildir')
    maildirTree(root)
    const summary = await run(await openMaildirSource(root))
    expect(summary.problems).toEqual([])
    expect(summary.imported).toBe(5)
    const all = await snapshot(ann)
    expect(all.INBOX).toEqual([
      {
        flags: ['\\Answered', '\\Seen'],
        keywords: [],
        date: Date.UTC(2023, 10, 14) / 1000,
        content: 'Subject: seen answered\r\n\r\nbody\r\n',
      },
      { flags: [], keywords: [], date: Date.UTC(2023, 10, 15) / 1000, content: 'Subject: new\r\n\r\nbody\r\n' },
    ])
    expect(all.Sent?.[0]).toMatchObject({ flags: ['\\Seen'], keywords: ['$Forwarded', 'Work'] })
    expect(all['Lists/bun']?.[0]?.flags).toEqual(['\\Deleted', '\\Flagged'])
    expect(all.Entwürfe?.[0]?.flags).toEqual(['\\Draft'])
    const again = await run(await openMaildirSource(root))
    expect([again.imported, again.duplicates]).toEqual([0, 5])
  })

  test('not a Maildir: a clear error', async () => {
    mkdirSync(join(f.dir, 'empty'))
    await expect(openMaildirSource(join(f.dir, 'empty'))).rejects.toThrow('holds no Maildir')
    await expect(openMaildirSource(join(f.dir, 'nope'))).rejects.toThrow('is not a directory')
  })
})

describe('export → import round trip', () => {
  async function seed() {
    const add = async (
      mailbox: string,
      text: string,
      flags: Parameters<Storage['messages']['append']>[0]['flags'],
      keywords: string[],
      date: number,
    ) => {
      if (!(await storage.mailboxes.get(ann, mailbox))) await storage.mailboxes.create(ann, mailbox)
      await storage.messages.append({
        accountId: ann,
        mailbox,
        content: enc(text),
        flags,
        keywords,
        internalDate: date,
      })
    }
    await add(
      'INBOX',
      'Subject: one\r\nMessage-ID: <1@x>\r\n\r\nFrom the body\r\n>From quoted\r\n',
      ['\\Seen'],
      [],
      Date.UTC(2024, 0, 1, 12),
    )
    await add(
      'INBOX',
      'Subject: two\r\n\r\nno id, flagged\r\n',
      ['\\Flagged', '\\Answered'],
      ['$Forwarded'],
      Date.UTC(2024, 0, 2),
    )
    await add(
      'Lists/bun',
      'Subject: three\r\n\r\nnested\r\n',
      ['\\Draft', '\\Deleted'],
      ['Work', 'Later'],
      Date.UTC(2024, 0, 3),
    )
    await add('Entwürfe', 'Subject: vier\r\n\r\numlaut folder\r\n', [], [], Date.UTC(2024, 0, 4))
    await storage.mailboxes.create(ann, 'Empty/Child')
  }

  test.each(['maildir', 'mbox'] as const)('%s: the second account ends up identical', async format => {
    await seed()
    const out = join(f.dir, `export-${format}`)
    const exported = await exportMessages({ storage, accountId: ann, dir: out, format, clock: systemClock })
    expect(exported.messages).toBe(4)
    const bob = (await storage.accounts.create({ email: 'bob@example.test', passwordHash: await testPasswordHash() }))
      .id
    const source = format === 'maildir' ? await openMaildirSource(out) : await openMboxSource(out)
    const summary = await run(source, { accountId: bob })
    expect(summary.problems).toEqual([])
    expect(summary.imported).toBe(4)
    expect(await snapshot(bob)).toEqual(await snapshot(ann))
  })

  test('maildir export layout: Maildir++ names, :2,FLAGS, dovecot-keywords, mtime = internal date', async () => {
    await seed()
    const out = join(f.dir, 'layout')
    await exportMessages({ storage, accountId: ann, dir: out, format: 'maildir', clock: systemClock })
    expect(readdirSync(out).sort()).toEqual(
      [
        '.Empty',
        '.Empty.Child',
        '.Entw&APw-rfe',
        '.Lists',
        '.Lists.bun',
        'cur',
        'dovecot-keywords',
        'new',
        'tmp',
        '.Archive',
        '.Drafts',
        '.Junk',
        '.Sent',
        '.Trash',
      ].sort(),
    )
    const [deep] = readdirSync(join(out, '.Lists.bun', 'cur'))
    expect(deep).toMatch(/:2,DTab$/)
    expect(readFileSync(join(out, '.Lists.bun', 'dovecot-keywords'), 'utf8')).toBe('0 Work\n1 Later\n')
    expect(statSync(join(out, '.Lists.bun', 'cur', deep as string)).mtimeMs).toBe(Date.UTC(2024, 0, 3))
  })

  test('export refuses a non-empty directory', async () => {
    const out = join(f.dir, 'busy')
    mkdirSync(out)
    writeFileSync(join(out, 'x'), '')
    await expect(
      exportMessages({ storage, accountId: ann, dir: out, format: 'mbox', clock: systemClock }),
    ).rejects.toThrow('is not empty')
  })
})
