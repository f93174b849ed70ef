// imapflow against startServer over real sockets, for the message commands: FETCH of the source
// (byte-identical to storage), bodyStructure and envelope, flags added and removed with STORE,
// SEARCH, COPY and MOVE with their COPYUID maps.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ImapFlow } from 'imapflow'
import { INBOX } from '../../../src/storage/index.ts'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'

const MULTIPART =
  'From: Carol <carol@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: Photos\r\n' +
  'Date: Wed, 2 Apr 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n' +
  'Content-Type: multipart/mixed; boundary="sep"\r\n\r\n' +
  '--sep\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached pineapple.\r\n' +
  '--sep\r\nContent-Type: image/png; name="p.png"\r\nContent-Disposition: attachment; filename="p.png"\r\n' +
  'Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--sep--\r\n'

let s: ImapInteropServer

beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

async function deliver(content: string): Promise<number> {
  const result = await s.server.deps.storage.messages.append({
    accountId: s.accountId,
    mailbox: INBOX,
    content: new TextEncoder().encode(content),
  })
  return result.uid
}

test('fetch, flags, search, copy and move', async () => {
  const plainUid = await deliver(interopMessage('plain one'))
  const mimeUid = await deliver(MULTIPART)
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
    await c.mailboxOpen(INBOX)
    const { storage } = s.server.deps
    const inbox = await storage.mailboxes.get(s.accountId, INBOX)
    const stored = await storage.messages.readBytes(inbox?.id ?? -1, mimeUid)

    const fetched = await c.fetchOne(
      String(mimeUid),
      { source: true, bodyStructure: true, envelope: true, flags: true, size: true },
      { uid: true },
    )
    if (fetched === false) throw new Error('fetchOne found nothing')
    expect(Buffer.compare(fetched.source as Buffer, Buffer.from(stored ?? new Uint8Array()))).toBe(0)
    expect(fetched.size).toBe(stored?.length ?? -1)
    expect(fetched.envelope?.subject).toBe('Photos')
    expect(fetched.envelope?.from?.[0]?.address).toBe('carol@local.test')
    expect(fetched.bodyStructure?.type).toBe('multipart/mixed')
    expect(fetched.bodyStructure?.childNodes?.map(n => n.type)).toEqual(['text/plain', 'image/png'])
    expect(fetched.bodyStructure?.childNodes?.[1]?.dispositionParameters?.filename).toBe('p.png')
    // source was fetched with BODY.PEEK: still unseen.
    expect(fetched.flags?.has('\\Seen')).toBe(false)

    const part = await c.download(String(mimeUid), '1', { uid: true })
    expect(await new Response(part.content as unknown as ReadableStream).text()).toBe('See the attached pineapple.')

    expect(await c.messageFlagsAdd(String(plainUid), ['\\Flagged', '$Work'], { uid: true })).toBe(true)
    let flags = (await c.fetchOne(String(plainUid), { flags: true }, { uid: true })) || null
    expect([...(flags?.flags ?? [])].sort()).toEqual(['$Work', '\\Flagged'])
    await c.messageFlagsRemove(String(plainUid), ['$Work'], { uid: true })
    flags = (await c.fetchOne(String(plainUid), { flags: true }, { uid: true })) || null
    expect([...(flags?.flags ?? [])]).toEqual(['\\Flagged'])

    expect(await c.search({ flagged: true }, { uid: true })).toEqual([plainUid])
    expect(await c.search({ from: 'carol' }, { uid: true })).toEqual([mimeUid])
    expect(await c.search({ body: 'pineapple' }, { uid: true })).toEqual([mimeUid])
    expect(await c.search({ all: true }, { uid: true })).toEqual([plainUid, mimeUid])

    const copied = await c.messageCopy(String(plainUid), 'Archive', { uid: true })
    expect(copied && copied.uidMap?.get(plainUid)).toBe(1)
    const moved = await c.messageMove(String(mimeUid), 'Archive', { uid: true })
    expect(moved && moved.uidMap?.get(mimeUid)).toBe(2)
    expect(await c.search({ all: true }, { uid: true })).toEqual([plainUid])
    const archive = await c.status('Archive', { messages: true })
    expect(archive && archive.messages).toBe(2)
  } finally {
    await c.logout()
  }
}, 20_000)
