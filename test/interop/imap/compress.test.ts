// COMPRESS=DEFLATE (RFC 4978) with real clients over implicit TLS: imapflow negotiates it on its
// own when advertised; Python imaplib has no COMPRESS, so the test client deflates and inflates
// itself with zlib (support/imaplib-compress.py). Both fetch a message big enough to be streamed
// from its file (fetch.ts STREAM_THRESHOLD) and must get it byte-identical; the Python client also
// runs SORT, THREAD and SEARCHRES inside the compressed session.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { ImapFlow } from 'imapflow'
import { STREAM_THRESHOLD } from '../../../src/imap/commands/fetch.ts'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'
import { runClient } from './support/maildir-sync.ts'

const python = Bun.which('python3')
const SCRIPT = path.join(import.meta.dir, 'support', 'imaplib-compress.py')
const BIG =
  'From: Bob <bob@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: big\r\nMessage-ID: <big@local.test>\r\n\r\n' +
  Array.from(
    { length: Math.ceil((1.5 * STREAM_THRESHOLD) / 60) },
    (_, i) => `line ${i} ${'abcdefghij'.repeat(5)}\r\n`,
  ).join('')

let s: ImapInteropServer
let inboxId: number
beforeAll(async () => {
  s = await startImapInteropServer()
  const { storage } = s.server.deps
  const encoder = new TextEncoder()
  await storage.messages.append({ accountId: s.accountId, mailbox: INBOX, content: encoder.encode(BIG) })
  await storage.messages.append({
    accountId: s.accountId,
    mailbox: INBOX,
    content: encoder.encode(
      interopMessage('reply').replace('Subject: reply', 'Subject: Re: big reply\r\nReferences: <big@local.test>'),
    ),
  })
  inboxId = (await storage.mailboxes.get(s.accountId, INBOX))?.id ?? -1
}, 20_000)
afterAll(() => s?.stop())

test('imapflow turns COMPRESS on by itself and reads a streamed message through it', async () => {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: s.ports.imaps,
    secure: true,
    auth: { user: ANN.email, pass: ANN.password },
    tls: { ca: [s.ca] },
    logger: false,
    disableAutoIdle: true,
  })
  await c.connect()
  try {
    // imapflow keeps its deflate stream here once COMPRESS succeeded (imap-flow.js compress()).
    expect((c as unknown as { _deflate?: unknown })._deflate).toBeTruthy()
    await c.mailboxOpen(INBOX)
    const fetched = await c.fetchOne('1', { source: true }, { uid: true })
    if (fetched === false) throw new Error('nothing fetched')
    expect(fetched.source?.length).toBe(BIG.length)
    expect(fetched.source?.toString('latin1') === BIG).toBe(true)
    expect(await c.search({ subject: 'reply' }, { uid: true })).toEqual([2])
  } finally {
    await c.logout()
  }
}, 20_000)

describe.skipIf(!python)('Python imaplib with zlib', () => {
  test('compressed session: big FETCH, SORT, THREAD, SEARCHRES', async () => {
    const out = path.join(s.dir, 'compressed.eml')
    const run = await runClient([
      python as string,
      SCRIPT,
      String(s.ports.imaps),
      s.caFile,
      ANN.email,
      ANN.password,
      out,
    ])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const r = JSON.parse(run.stdout)
    expect(r.select).toEqual(['OK', '2'])
    expect(r.fetch).toBe('OK')
    const stored = await s.server.deps.storage.messages.readBytes(inboxId, 1)
    expect(Buffer.compare(Buffer.from(await Bun.file(out).bytes()), Buffer.from(stored ?? new Uint8Array()))).toBe(0)
    expect(r.sort).toBe('1 2')
    expect(r.thread).toBe('(1 2)')
    expect(r.save).toBe('OK')
    expect(r.fetch_saved).toEqual(['2 (UID 2)'])
    // The repetitive message compresses well: far fewer octets arrived than it holds.
    expect(r.compressed_bytes).toBeLessThan(BIG.length / 4)
    expect(r.logout).toBe('BYE')
  }, 25_000)
})
