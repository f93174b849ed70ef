// offlineimap (Debian offlineimap3) against startServer over implicit TLS: 200 messages pulled into
// a local Maildir, flags changed and messages added on both sides, synchronised again, and both
// sides compared (octets identical after undoing the client's LF line ends, flags equal,
// maildir-sync.ts). offlineimap names local files with the server's UID (`,U=`).
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
  uidFromName,
  writeLocalMessage,
} from './support/maildir-sync.ts'

const offlineimap = Bun.which('offlineimap')
const MESSAGES = 200
let s: ImapInteropServer
let inboxId: number

beforeAll(async () => {
  s = await startImapInteropServer()
  inboxId = (await s.server.deps.storage.mailboxes.get(s.accountId, INBOX))?.id ?? -1
}, 20_000)
afterAll(() => s?.stop())

function message(i: number, origin: string): string {
  return (
    `From: Sender ${i} <s${i}@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: ${origin} ${i}\r\n` +
    `Date: Wed, 2 Apr 2025 09:00:00 +0000\r\nMessage-ID: <${origin}-${i}@local.test>\r\n\r\n` +
    `${`Text of ${origin} message ${i}.\r\n`.repeat(1 + (i % 25))}`
  )
}

describe.skipIf(!offlineimap)('offlineimap', () => {
  test('both ways with flags: no differences', async () => {
    const { storage } = s.server.deps
    const encoder = new TextEncoder()
    await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        storage.messages.append({
          accountId: s.accountId,
          mailbox: INBOX,
          content: encoder.encode(message(i + 1, 'server')),
          flags: i % 5 === 0 ? ['\\Seen'] : [],
        }),
      ),
    )
    const folder = path.join(s.dir, 'oi-local', 'INBOX')
    const rc = path.join(s.dir, 'offlineimaprc')
    fs.writeFileSync(
      rc,
      [
        '[general]',
        'accounts = test',
        `metadata = ${path.join(s.dir, 'oi-meta')}`,
        '',
        '[Account test]',
        'localrepository = local',
        'remoterepository = remote',
        '',
        '[Repository local]',
        'type = Maildir',
        `localfolders = ${path.join(s.dir, 'oi-local')}`,
        '',
        '[Repository remote]',
        'type = IMAP',
        // imaplib2 checks DNS names only, not IP SANs: the certificate also names localhost.
        'remotehost = localhost',
        `remoteport = ${s.ports.imaps}`,
        'ssl = yes',
        `sslcacertfile = ${s.caFile}`,
        `remoteuser = ${ANN.email}`,
        `remotepass = ${ANN.password}`,
        "folderfilter = lambda f: f == 'INBOX'",
        '',
      ].join('\n'),
    )
    const sync = async () => {
      const run = await runClient([offlineimap as string, '-c', rc, '-o', '-u', 'quiet'], { env: { HOME: s.dir } })
      expect({ code: run.code, errors: run.stderr.split('\n').filter(l => /ERROR/.test(l)) }).toEqual({
        code: 0,
        errors: [],
      })
    }
    const compare = async () => compareWithServer(storage, inboxId, readMaildir(folder, uidFromName))

    await sync()
    expect(await compare()).toEqual(inSync(MESSAGES))

    const local = readMaildir(folder, uidFromName).sort((a, b) => (a.uid ?? 0) - (b.uid ?? 0))
    for (const m of local.slice(0, 10)) setLocalFlags(m, 'FS')
    await storage.messages.setFlags(inboxId, [{ from: 100, to: 109 }], { mode: 'add', flags: ['\\Answered'] })
    for (let i = 1; i <= 3; i++) writeLocalMessage(folder, `local-${i}.oi-test`, message(i, 'local'))
    for (let i = 1; i <= 3; i++) {
      await storage.messages.append({
        accountId: s.accountId,
        mailbox: INBOX,
        content: encoder.encode(message(i, 'server-new')),
      })
    }
    await sync()
    // Uploaded messages get their server UID in the file name on this run or the next.
    await sync()
    expect(await compare()).toEqual(inSync(MESSAGES + 6))
    const flagged = await storage.messages.list(inboxId, { uids: [{ from: 1, to: 10 }] })
    expect(flagged.map(r => [...r.flags].sort().join(' '))).toEqual(Array(10).fill('\\Flagged \\Seen'))
  }, 28_000)
})
