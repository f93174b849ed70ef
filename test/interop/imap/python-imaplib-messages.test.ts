// Python's imaplib against startServer over real sockets, for the message commands: FETCH RFC822
// byte-identical to storage (and setting \Seen), header fields, STORE, SEARCH / UID SEARCH,
// UID COPY and UID MOVE.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'

const python = Bun.which('python3')
const SCRIPT = path.join(import.meta.dir, 'support', 'imaplib-messages.py')
let s: ImapInteropServer

beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

describe.skipIf(!python)('Python imaplib message commands', () => {
  test('FETCH RFC822, STORE, SEARCH, UID COPY/MOVE', async () => {
    const { storage } = s.server.deps
    for (const subject of ['first message', 'second message']) {
      await storage.messages.append({
        accountId: s.accountId,
        mailbox: INBOX,
        content: new TextEncoder().encode(interopMessage(subject)),
      })
    }
    const out = path.join(s.dir, 'fetched.eml')
    const proc = Bun.spawn([python as string, SCRIPT, String(s.ports.imaps), s.caFile, ANN.email, ANN.password, out], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const killer = setTimeout(() => proc.kill(), 20_000) // hang guard only
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ])
    clearTimeout(killer)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const r = JSON.parse(stdout)
    expect(r.select).toEqual(['OK', '2'])
    expect(r.fetch_rfc822).toBe('OK')
    const inbox = await storage.mailboxes.get(s.accountId, INBOX)
    const stored = await storage.messages.readBytes(inbox?.id ?? -1, 1)
    const fetched = await Bun.file(out).bytes()
    expect(Buffer.compare(Buffer.from(fetched), Buffer.from(stored ?? new Uint8Array()))).toBe(0)
    expect(r.flags_after_rfc822).toMatch(/^1 \(FLAGS \(\\Seen( \\Recent)?\)\)$/)
    expect(r.subject).toBe('Subject: second message\r\n\r\n')
    expect(r.store_add[0]).toBe('OK')
    expect(r.store_add[1]).toMatch(/^2 \(UID 2 FLAGS \(\\Flagged \$Later( \\Recent)?\)\)$/)
    expect(r.store_remove[1]).toMatch(/^2 \(UID 2 FLAGS \(\\Flagged( \\Recent)?\)\)$/)
    expect(r.uid_search_flagged).toBe('2')
    expect(r.uid_search_subject).toBe('2')
    expect(r.search_unseen).toBe('2')
    expect(r.uid_copy[0]).toBe('OK')
    expect(r.uid_copy[1]).toMatch(/^\d+ 1 1$/)
    expect(r.uid_move).toBe('OK')
    expect(r.uid_search_after_move).toBe('1')
    expect(r.logout).toBe('BYE')
    const archive = await storage.mailboxes.get(s.accountId, 'Archive')
    expect(await storage.messages.uids(archive?.id ?? -1)).toEqual([1, 2])
  }, 25_000)
})
