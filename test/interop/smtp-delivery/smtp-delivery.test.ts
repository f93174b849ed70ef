// End to end through startServer: real SMTP clients (swaks, nodemailer) over real sockets against
// the MX and submission listeners, delivered messages byte-checked in Maildir and in the index, and
// an open-relay battery that must never put anything into the outbound queue.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import nodemailer from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import { loadConfig } from '../../../src/config/load.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../src/core/server.ts'
import { createOutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { INBOX, type MessageRecord } from '../../../src/storage/index.ts'
import { freePortFlags } from '../../support/binary.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'

const HOST = 'mx.local.test'
const PASSWORD = 'correct horse battery staple'
const swaks = Bun.which('swaks')

let dir: string
let dns: FakeDns
let server: RunningServer
let mxPort: number
let submissionPort: number
const ids: Record<string, number> = {}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-delivery-'))
  dns = await startFakeDns({})
  const set = freePortFlags.filter(f => f !== '--set')
  const { config } = loadConfig({
    // The queue runner stays off: these tests look at what was queued, not at its delivery.
    flags: {
      set: [...set, `dns.servers=${dns.address}`, 'dns.timeoutMs=500', 'queue.enabled=false'],
      'data-dir': dir,
      hostname: HOST,
    },
    env: {},
    cwd: dir,
    searchPaths: [],
  })
  server = await startServer(config, silentLogger)
  const port = (name: string) => server.mail.listeners().find(l => l.name === name)?.port ?? 0
  mxPort = port('smtp')
  submissionPort = port('submission')
  const { storage } = server.deps
  await storage.domains.add('local.test')
  for (const email of ['bob@local.test', 'ann@local.test'])
    ids[email] = (await storage.accounts.create({ email, password: PASSWORD })).id
  await storage.aliases.add('team@local.test', ['ann@local.test', 'bob@local.test'])
}, 30_000)

afterAll(async () => {
  await server?.stop(1000)
  await dns?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function messages(email: string, mailbox = INBOX): Promise<MessageRecord[]> {
  const box = await server.deps.storage.mailboxes.get(ids[email] ?? -1, mailbox)
  return server.deps.storage.messages.list(box?.id ?? -1, { envelopes: true })
}

async function storedBytes(email: string, record: MessageRecord | undefined): Promise<Buffer> {
  const box = await server.deps.storage.mailboxes.get(ids[email] ?? -1, INBOX)
  const opened = await server.deps.storage.messages.open(box?.id ?? -1, record?.uid ?? -1)
  expect(opened?.path).toContain(path.join(dir, 'maildir'))
  return fs.readFileSync(opened?.path ?? '')
}

const queued = () => createOutboundQueue({ storage: server.deps.storage, clock: server.deps.clock }).list()

async function runSwaks(args: string[]) {
  const proc = Bun.spawn(
    [swaks as string, '--server', `127.0.0.1:${mxPort}`, '--helo', 'client.example.org', ...args],
    {
      stdout: 'pipe',
      stderr: 'pipe',
    },
  )
  const killer = setTimeout(() => proc.kill(), 20_000) // hang guard only
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, transcript: out + err }
}

/** The server's reply to the RCPT line in a swaks transcript (`<~ 550 5.1.1 ...` / `<** 554 ...`). */
function rcptReply(transcript: string): string {
  const lines = transcript.split('\n')
  const i = lines.findIndex(l => /^ -> RCPT TO:/.test(l))
  return i < 0 ? '' : (lines[i + 1] ?? '').replace(/^\s*<[-~*]+\s*/, '').trim()
}

describe.skipIf(!swaks)('open-relay battery (swaks, MX port, no AUTH)', () => {
  // Every variant is refused, or delivered to a local mailbox; none may reach the outbound queue.
  const variants: [string, string][] = [
    ['%-hack', 'user%remote.example@local.test'],
    ['double %-hack', 'user%remote.example%local.test@local.test'],
    ['quoted local part with @', '"user@remote.example"@local.test'],
    ['quoted %-hack', '"user%remote.example"@local.test'],
    ['source route to a remote mailbox', '@local.test:user@remote.example'],
    ['source route through our host name', '@mx.local.test:user@remote.example'],
    ['two @ signs', 'user@remote.example@local.test'],
    ['bang path', 'remote.example!user@local.test'],
    ['bang path, unqualified', 'remote.example!user'],
    ['unqualified user', 'user'],
    ['IPv4 address literal', 'user@[192.0.2.99]'],
    ['IPv6 address literal', 'user@[IPv6:2001:db8::1]'],
    ['upper-case remote domain', 'USER@REMOTE.EXAMPLE'],
    ['trailing dot on a remote domain', 'user@remote.example.'],
    ['plain remote domain', 'user@remote.example'],
    ['local domain as a prefix of a remote one', 'user@local.test.remote.example'],
    ['%-hack unqualified', 'user%remote.example'],
    ['source route ending in a local mailbox', '@remote.example:bob@local.test'],
  ]

  test.each(variants)('%s: %s', async (_name, address) => {
    const before = (await messages('bob@local.test')).length
    const { transcript } = await runSwaks([
      '--from',
      'sender@sender.example',
      '--to',
      address,
      '--header',
      `Subject: relay test ${address}`,
    ])
    // swaks sent the address exactly as given (it splits --to on commas, so none are used here).
    expect(transcript).toContain(` -> RCPT TO:<${address}>`)
    const reply = rcptReply(transcript)
    expect(reply, transcript).toMatch(/^(250|5\d\d) /)
    if (reply.startsWith('250')) {
      // Accepted only because the final mailbox is local: it must be in bob's INBOX now.
      expect((await messages('bob@local.test')).length).toBe(before + 1)
    }
    expect(await queued()).toEqual([])
  })

  test('after the whole battery the queue and its spool directory are empty', async () => {
    expect(await queued()).toEqual([])
    const spool = path.join(dir, 'queue')
    expect(fs.existsSync(spool) ? fs.readdirSync(spool) : []).toEqual([])
  })
})

describe('nodemailer', () => {
  const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
    new MailComposer(options).compile().build()

  test('MX port, no AUTH: delivered byte-for-byte to every local recipient, indexed', async () => {
    const raw = await compose({
      from: 'Sender <sender@sender.example>',
      to: 'bob@local.test, team@local.test',
      subject: 'Grüße über SMTP',
      text: `Zeile eins\r\n.leading dot\r\n${'long line '.repeat(50)}\r\n`,
      messageId: '<interop-mx@sender.example>',
    })
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mxPort, secure: false, ignoreTLS: true })
    const info = await transport.sendMail({
      envelope: { from: 'sender@sender.example', to: ['bob@local.test', 'team@local.test'] },
      raw,
    })
    transport.close()
    expect(info.accepted).toEqual(['bob@local.test', 'team@local.test'])
    expect(info.response).toMatch(/^250 /)
    for (const email of ['bob@local.test', 'ann@local.test']) {
      const record = (await messages(email)).find(m => m.envelope?.messageId === '<interop-mx@sender.example>')
      expect(record, email).toBeDefined()
      // The index keeps the header as sent (IMAP ENVELOPE returns encoded words undecoded).
      expect(record?.envelope?.subject).toBe('=?UTF-8?Q?Gr=C3=BC=C3=9Fe_=C3=BCber_SMTP?=')
      const stored = await storedBytes(email, record)
      expect(record?.size).toBe(stored.length)
      expect(Buffer.compare(stored.subarray(stored.length - raw.length), raw)).toBe(0)
      const head = stored.subarray(0, stored.length - raw.length).toString()
      expect(head.startsWith('Return-Path: <sender@sender.example>\r\nReceived: from ')).toBe(true)
    }
    // team@ expands to bob as well: still one copy for bob.
    expect(
      (await messages('bob@local.test')).filter(m => m.envelope?.messageId === '<interop-mx@sender.example>'),
    ).toHaveLength(1)
  })

  test('submission with STARTTLS and AUTH: local copy byte-checked, remote copy queued with its spool file', async () => {
    const raw = await compose({
      from: 'Bob <bob@local.test>',
      to: 'ann@local.test, Carol <carol@remote.example>',
      subject: 'submitted',
      // CRLF only: nodemailer's client turns bare LF into CRLF on the wire, and the wire is what we store.
      text: 'Hello from the submission port.\r\n',
      messageId: '<interop-sub@local.test>',
    })
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: submissionPort,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'bob@local.test', pass: PASSWORD },
    })
    const info = await transport.sendMail({
      envelope: { from: 'bob@local.test', to: ['ann@local.test', 'carol@remote.example'] },
      raw,
    })
    transport.close()
    expect(info.accepted).toEqual(['ann@local.test', 'carol@remote.example'])
    const record = (await messages('ann@local.test')).find(m => m.envelope?.messageId === '<interop-sub@local.test>')
    const stored = await storedBytes('ann@local.test', record)
    expect(Buffer.compare(stored.subarray(stored.length - raw.length), raw)).toBe(0)
    const head = stored
      .subarray(0, stored.length - raw.length)
      .toString()
      .replace(/\r\n(?=[ \t])/g, '')
    expect(head).toContain('with ESMTPSA id')
    expect(head).toContain('(using TLS')
    expect(head).not.toContain('Authentication-Results')
    const entries = await queued()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ sender: 'bob@local.test', accountId: ids['bob@local.test'], state: 'queued' })
    expect(entries[0]?.recipients.map(r => r.address)).toEqual(['carol@remote.example'])
    const spooled = fs.readFileSync(entries[0]?.spoolPath ?? '')
    expect(Buffer.compare(spooled.subarray(spooled.length - raw.length), raw)).toBe(0)
    expect(spooled.toString().startsWith('Received: from ')).toBe(true)
    await createOutboundQueue({ storage: server.deps.storage, clock: server.deps.clock }).remove(entries[0]?.id ?? '')
  })

  test('submission: sending as someone else is refused with 553 5.7.1', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: submissionPort,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'bob@local.test', pass: PASSWORD },
    })
    const error = await transport
      .sendMail({ envelope: { from: 'ann@local.test', to: ['ann@local.test'] }, raw: 'Subject: x\r\n\r\nx\r\n' })
      .then(
        () => null,
        (e: { responseCode?: number; response?: string }) => e,
      )
    transport.close()
    expect(error?.responseCode).toBe(553)
    expect(error?.response).toContain('5.7.1')
  })
})
