// The whole server as `serve` starts it (startServer, every port 0, a temp data dir, the generated
// self-signed certificate), with accounts and messages put in through storage, for POP3 clients
// that run as separate programs (poplib, fetchmail, getmail6).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../../../src/config/load.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../../src/core/server.ts'
import { INBOX } from '../../../../src/storage/index.ts'
import { freePortFlags } from '../../../support/binary.ts'

export const DOMAIN = 'pop.test'
export const PASSWORD = 'correct horse battery staple'

export interface Pop3TestServer {
  server: RunningServer
  dir: string
  ports: { pop3: number; pop3s: number }
  /** PEM file of the self-signed certificate (for clients that verify it). */
  caFile: string
  /** Create an account with PASSWORD; returns its id. */
  addAccount(local: string): Promise<number>
  /** Append messages to an account's INBOX; returns the UIDs. */
  append(accountId: number, messages: readonly Uint8Array[]): Promise<number[]>
  /** The account's INBOX as storage sees it now: UID → bytes. */
  stored(accountId: number): Promise<Map<number, Uint8Array>>
  stop(): Promise<void>
}

export async function startPop3TestServer(extraSet: readonly string[] = []): Promise<Pop3TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-interop-'))
  const set = freePortFlags.filter(flag => flag !== '--set')
  const { config } = loadConfig({
    // Interop clients log in many times from 127.0.0.1; throttling has its own tests.
    flags: { set: [...set, 'limits.authFailuresBeforeThrottle=1000', ...extraSet], 'data-dir': dir },
    env: {},
    cwd: dir,
    searchPaths: [],
  })
  const server = await startServer(config, silentLogger)
  const { storage } = server.deps
  await storage.domains.add(DOMAIN)
  const port = (name: string) => server.mail.listeners().find(l => l.name === name)?.port ?? 0
  const inboxId = async (accountId: number) => {
    const box = await storage.mailboxes.get(accountId, INBOX)
    if (!box) throw new Error('no INBOX')
    return box.id
  }
  return {
    server,
    dir,
    ports: { pop3: port('pop3'), pop3s: port('pop3s') },
    caFile: join(dir, 'tls', 'self-signed.crt'),
    async addAccount(local) {
      return (await storage.accounts.create({ email: `${local}@${DOMAIN}`, password: PASSWORD })).id
    },
    async append(accountId, messages) {
      const uids: number[] = []
      for (const content of messages)
        uids.push((await storage.messages.append({ accountId, mailbox: INBOX, content })).uid)
      return uids
    },
    async stored(accountId) {
      const box = await inboxId(accountId)
      const out = new Map<number, Uint8Array>()
      for (const record of await storage.messages.list(box)) {
        const bytes = await storage.messages.readBytes(box, record.uid)
        if (bytes) out.set(record.uid, bytes)
      }
      return out
    },
    async stop() {
      await server.stop(1000)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Message `i` of a test batch: CRLF line ends, a unique Message-ID, lines that need dot-stuffing
 * (".", "..", ".x"), 8-bit bytes in an 8bit part, and a few KiB of text.
 */
export function testMessage(i: number, size = 2048): Uint8Array {
  const head =
    `Return-Path: <sender@example.org>\r\nFrom: Sender <sender@example.org>\r\nTo: Ann <ann@${DOMAIN}>\r\n` +
    `Subject: message ${i}\r\nDate: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <m${i}@example.org>\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
  let body = `Hello ${i}.\r\n.\r\n..two dots\r\n.leading dot\r\nCaf\u00e9 \u00fcber na\u00efve \u2014 \u{1F4EC}\r\n`
  while (body.length < size) body += `line ${body.length} of message ${i}: the quick brown fox jumps over\r\n`
  return new TextEncoder().encode(head + body)
}

/** Run a program with a hang guard; returns exit code and output. */
export async function run(
  argv: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(argv, {
    stdout: 'pipe',
    stderr: 'pipe',
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
  })
  const killer = setTimeout(() => proc.kill(), options.timeoutMs ?? 60_000) // hang guard only
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, stdout, stderr }
}
