// imapflow (Node's most used IMAP client) against startServer over real sockets: implicit TLS and
// STARTTLS, LIST with special use, mailbox management, mailboxOpen, APPEND with APPENDUID, STATUS,
// QUOTA, and IDLE 'exists' events for mail delivered through storage meanwhile.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ImapFlow } from 'imapflow'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'

let s: ImapInteropServer

beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

function client(mode: 'implicit' | 'starttls'): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: mode === 'implicit' ? s.ports.imaps : s.ports.imap,
    secure: mode === 'implicit',
    doSTARTTLS: mode === 'starttls' ? true : undefined,
    auth: { user: ANN.email, pass: ANN.password },
    tls: { ca: [s.ca] },
    logger: false,
    disableAutoIdle: true,
  })
}

async function deliver(subject: string): Promise<number> {
  const { storage } = s.server.deps
  const result = await storage.messages.append({
    accountId: s.accountId,
    mailbox: INBOX,
    content: new TextEncoder().encode(interopMessage(subject)),
  })
  return result.uid
}

test('implicit TLS: list, create/rename/delete, append, status, quota', async () => {
  const c = client('implicit')
  await c.connect()
  try {
    const boxes = await c.list()
    const byPath = new Map(boxes.map(b => [b.path, b]))
    expect([...byPath.keys()]).toEqual(expect.arrayContaining(['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']))
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent')
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash')

    expect((await c.mailboxCreate(['Projects', 'Alpha'])).created).toBe(true)
    expect((await c.mailboxRename('Projects/Alpha', 'Projects/Beta')).newPath).toBe('Projects/Beta')
    expect((await c.list()).map(b => b.path)).toContain('Projects/Beta')
    await c.mailboxDelete('Projects/Beta')
    expect((await c.list()).map(b => b.path)).not.toContain('Projects/Beta')

    const appended = await c.append(
      'INBOX',
      interopMessage('from imapflow'),
      ['\\Seen', '$Work'],
      new Date('2024-05-01T08:00:00Z'),
    )
    expect(appended).toMatchObject({ destination: 'INBOX', uid: 1 })
    const status = await c.status('INBOX', { messages: true, unseen: true, uidNext: true })
    expect(status).toMatchObject({ path: 'INBOX', messages: 1, unseen: 0, uidNext: 2 })

    await s.server.deps.storage.accounts.update(s.accountId, { quotaBytes: 10 * 1024 * 1024 })
    const quota = await c.getQuota('INBOX')
    expect(quota).toMatchObject({ path: 'INBOX', storage: { limit: 10 * 1024 * 1024, usage: 1024 } })
  } finally {
    await c.logout()
  }
  const inbox = await s.server.deps.storage.mailboxes.get(s.accountId, INBOX)
  const stored = await s.server.deps.storage.messages.get(inbox?.id ?? -1, 1)
  expect(stored?.flags).toEqual(['\\Seen'])
  expect(stored?.keywords).toEqual(['$Work'])
  expect(stored?.internalDate).toBe(Date.UTC(2024, 4, 1, 8))
})

test('STARTTLS: mailboxOpen, then IDLE reports deliveries as exists events', async () => {
  const c = client('starttls')
  await c.connect()
  try {
    expect(c.secureConnection).toBe(true)
    const box = await c.mailboxOpen('INBOX')
    const before = box.exists
    const exists = new Promise<{ count: number; prevCount: number }>(resolve => c.on('exists', resolve))
    const idling = c.idle()
    // Wait until the server has actually entered IDLE, then deliver.
    for (let i = 0; i < 200 && !c.idling; i++) await Bun.sleep(5)
    expect(c.idling).toBe(true)
    await deliver('during idle')
    const event = await exists
    expect(event).toMatchObject({ count: before + 1, prevCount: before })
    // Any command ends IDLE (imapflow sends DONE first).
    const status = await c.status('INBOX', { messages: true })
    expect(status === false ? -1 : status.messages).toBe(before + 1)
    await idling
  } finally {
    await c.logout()
  }
})
