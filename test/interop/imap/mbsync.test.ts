// mbsync (Debian isync) against startServer over implicit TLS: a 1,000-message INBOX pulled into a
// local Maildir, then changes on both sides (flags set and cleared locally and on the server, new
// messages on both sides) synchronised back, twice, and both sides compared message by message:
// the octets identical (after undoing mbsync's LF line ends and X-TUID line, maildir-sync.ts) and
// the flags equal. Local files are matched to server UIDs through mbsync's .mbsyncstate. A final
// run with nothing to do must change nothing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import path from 'node:path'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, startImapInteropServer } from './support/imap-interop-server.ts'
import {
  compareWithServer,
  inSync,
  readMaildir,
  runClient,
  setLocalFlags,
  mbsyncUids,
  writeLocalMessage,
} from './support/maildir-sync.ts'

const mbsync = Bun.which('mbsync')
const MESSAGES = 1000
let s: ImapInteropServer
let inboxId: number

beforeAll(async () => {
  s = await startImapInteropServer()
  inboxId = (await s.server.deps.storage.mailboxes.get(s.accountId, INBOX))?.id ?? -1
}, 20_000)
afterAll(() => s?.stop())

/** Message i: varied size, some 8-bit text, a folded header; every 7th \Seen, every 11th \Flagged. */
function message(i: number, origin = 'server'): string {
  const body = `Line ${i} of the ${origin} side, café ünïcode.\r\n`.repeat(1 + (i % 40))
  return (
    `From: Sender ${i} <s${i}@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: ${origin} message ${i}\r\n` +
    `Date: Tue, 1 Apr 2025 10:${String(i % 60).padStart(2, '0')}:00 +0000\r\nMessage-ID: <${origin}${i}@local.test>\r\n` +
    `X-Folded: first part\r\n second part\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`
  )
}

describe.skipIf(!mbsync)('mbsync', () => {
  test('1,000 messages both ways, twice, with flags: no differences', async () => {
    const { storage } = s.server.deps
    const encoder = new TextEncoder()
    for (let i = 0; i < MESSAGES; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, MESSAGES - i) }, (_, j) => {
          const n = i + j + 1
          const flags: Array<'\\Seen' | '\\Flagged'> = []
          if (n % 7 === 0) flags.push('\\Seen')
          if (n % 11 === 0) flags.push('\\Flagged')
          return storage.messages.append({
            accountId: s.accountId,
            mailbox: INBOX,
            content: encoder.encode(message(n)),
            flags,
          })
        }),
      )
    }
    const local = path.join(s.dir, 'mbsync-local')
    const folder = path.join(local, 'INBOX')
    fs.mkdirSync(local)
    const rc = path.join(s.dir, 'mbsyncrc')
    fs.writeFileSync(
      rc,
      [
        'IMAPAccount test',
        'Host 127.0.0.1',
        `Port ${s.ports.imaps}`,
        `User ${ANN.email}`,
        `Pass "${ANN.password}"`,
        'SSLType IMAPS',
        `CertificateFile ${s.caFile}`,
        '',
        'IMAPStore remote',
        'Account test',
        '',
        'MaildirStore local',
        `Path ${local}/`,
        `Inbox ${folder}`,
        '',
        'Channel sync',
        'Far :remote:',
        'Near :local:',
        'Patterns INBOX',
        'Create Both',
        'Sync All',
        'Expunge Both',
        'SyncState *',
        '',
      ].join('\n'),
    )
    const sync = async () => {
      const run = await runClient([mbsync as string, '-c', rc, '-a'])
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    }
    const compare = async () => compareWithServer(storage, inboxId, readMaildir(folder, mbsyncUids(folder)))

    // 1. Pull everything.
    await sync()
    expect(await compare()).toEqual(inSync(MESSAGES))

    // 2. Changes on both sides, then sync.
    const before = readMaildir(folder, mbsyncUids(folder)).sort((a, b) => (a.uid ?? 0) - (b.uid ?? 0))
    for (const m of before.slice(0, 20)) setLocalFlags(m, 'FS') // local: flag and read
    for (const m of before
      .slice(20)
      .filter(m => m.flags.includes('\\Seen'))
      .slice(0, 10))
      setLocalFlags(m, '') // local: unread
    await storage.messages.setFlags(inboxId, [{ from: 500, to: 520 }], { mode: 'add', flags: ['\\Answered'] })
    await storage.messages.setFlags(inboxId, [{ from: 980, to: 1000 }], { mode: 'replace', flags: ['\\Draft'] })
    for (let i = 1; i <= 5; i++)
      writeLocalMessage(folder, `local-${i}.mbsync-test`, message(i, 'local'), i === 1 ? 'S' : '')
    for (let i = 1; i <= 5; i++) {
      await storage.messages.append({
        accountId: s.accountId,
        mailbox: INBOX,
        content: encoder.encode(message(MESSAGES + i, 'server-new')),
        flags: i % 2 === 0 ? ['\\Flagged'] : [],
      })
    }
    await sync()
    const afterFirst = await compare()
    expect(afterFirst).toEqual(inSync(MESSAGES + 10))

    // 3. Second round of changes in the other direction, sync again.
    const now = readMaildir(folder, mbsyncUids(folder)).sort((a, b) => (a.uid ?? 0) - (b.uid ?? 0))
    for (const m of now.slice(100, 110)) setLocalFlags(m, 'R')
    await storage.messages.setFlags(inboxId, [{ from: 1, to: 20 }], { mode: 'remove', flags: ['\\Flagged'] })
    await sync()
    expect(await compare()).toEqual(inSync(MESSAGES + 10))
    const records = await storage.messages.list(inboxId, { uids: [{ from: 1, to: 20 }] })
    expect(records.every(r => r.flags.includes('\\Seen') && !r.flags.includes('\\Flagged'))).toBe(true)
    // The messages written locally arrived with their text intact.
    const uploaded = (await storage.messages.list(inboxId)).filter(r => r.uid > MESSAGES + 5)
    expect(uploaded).toHaveLength(5)

    // 4. Nothing to do: nothing changes on either side.
    const snapshot = JSON.stringify(await storage.messages.list(inboxId))
    const names = readMaildir(folder, mbsyncUids(folder))
      .map(m => m.file)
      .sort()
    await sync()
    expect(JSON.stringify(await storage.messages.list(inboxId))).toBe(snapshot)
    expect(
      readMaildir(folder, mbsyncUids(folder))
        .map(m => m.file)
        .sort(),
    ).toEqual(names)
  }, 28_000)
})
