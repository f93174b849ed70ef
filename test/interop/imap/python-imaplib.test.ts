// Python's imaplib against startServer over real sockets: STARTTLS with the server's self-signed
// certificate as the CA, then mailbox commands, APPEND, STATUS, SELECT and a raw IDLE that sees a
// delivery made by a second connection over implicit TLS. Appended mail is checked through STATUS/SELECT
// counts and storage here; FETCH is covered by python-imaplib-messages.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'

const python = Bun.which('python3')
const SCRIPT = path.join(import.meta.dir, 'support', 'imaplib-client.py')
let s: ImapInteropServer

beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

describe.skipIf(!python)('Python imaplib', () => {
  test('STARTTLS, login, LIST, CREATE/RENAME/DELETE, APPEND, STATUS, SELECT, IDLE, LOGOUT', async () => {
    const message = interopMessage('from imaplib')
    const file = path.join(s.dir, 'message.eml')
    await Bun.write(file, message)
    const proc = Bun.spawn(
      [python as string, SCRIPT, String(s.ports.imap), String(s.ports.imaps), s.caFile, ANN.email, ANN.password, file],
      { stdout: 'pipe', stderr: 'pipe' },
    )
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
    expect(r.before_tls).toContain('STARTTLS')
    expect(r.before_tls).toContain('LOGINDISABLED')
    expect(r.after_tls).toContain('AUTH=PLAIN')
    expect(r.after_tls).not.toContain('STARTTLS')
    expect(r.login).toBe('OK')
    expect(r.list).toContain('(\\HasNoChildren) "/" "INBOX"')
    expect(r.list).toContain('(\\HasNoChildren \\Sent) "/" "Sent"')
    expect([r.create, r.rename, r.delete]).toEqual(['OK', 'OK', 'OK'])
    expect(r.list_projects).toEqual(['(\\HasNoChildren) "/" "Projects/Beta"'])
    expect(r.append[0]).toBe('OK')
    expect(r.append[1]).toMatch(/^\d+ 1$/)
    expect(r.status).toMatch(/^"INBOX" \(MESSAGES 1 UNSEEN 0 UIDNEXT 2 SIZE \d+\)$/)
    expect(r.select).toEqual(['OK', '1'])
    expect(r.idle_continuation).toBe('+ idling')
    expect(r.idle_pushed).toBe('* 2 EXISTS')
    expect(r.idle_done).toMatch(/^\w+ OK IDLE terminated$/)
    expect(r.logout).toBe('BYE')

    // What imaplib stored, straight from storage.
    const { storage } = s.server.deps
    const inbox = await storage.mailboxes.get(s.accountId, INBOX)
    const records = await storage.messages.list(inbox?.id ?? -1)
    expect(records.map(m => m.flags)).toEqual([['\\Seen'], []])
    expect(new Date(records[0]?.internalDate ?? 0).getUTCFullYear()).toBe(2024)
    expect(new TextDecoder().decode((await storage.messages.readBytes(inbox?.id ?? -1, 1)) ?? undefined)).toBe(message)
    expect(await storage.mailboxes.get(s.accountId, 'Projects')).not.toBeNull()
    expect(await storage.mailboxes.get(s.accountId, 'Projects/Beta')).toBeNull()
  }, 30_000)
})
