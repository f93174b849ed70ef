// fetchmail downloads 500 messages from the running server, once with `keep` over STLS (port 110
// style, certificate verified) and once with `nokeep` over implicit TLS (995 style), from two
// accounts side by side. Each run must
// deliver every message exactly once, byte-identical (modulo the LF line ends fetchmail writes
// for local delivery); the first leaves the maildrop as it was (with \Seen set), the second empties it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareDeliveries } from './support/delivered-files.ts'
import { DOMAIN, PASSWORD, type Pop3TestServer, run, startPop3TestServer, testMessage } from './support/pop3-server.ts'

const fetchmail = Bun.which('fetchmail')
const COUNT = 500
let t: Pop3TestServer
let work: string
const accounts = { keep: 0, remove: 0 }
const originals = new Map<number, Uint8Array>()

beforeAll(async () => {
  if (!fetchmail) return
  t = await startPop3TestServer()
  work = mkdtempSync(join(tmpdir(), 'pop3-fetchmail-'))
  accounts.keep = await t.addAccount('fetch-keep')
  accounts.remove = await t.addAccount('fetch-remove')
  const messages = Array.from({ length: COUNT }, (_, i) => testMessage(i + 1, 1024 + (i % 7) * 700))
  messages.forEach((m, i) => originals.set(i + 1, m))
  await Promise.all([t.append(accounts.keep, messages), t.append(accounts.remove, messages)])
  // The MDA fetchmail runs once per message: store stdin in a new file.
  writeFileSync(join(work, 'save.sh'), '#!/bin/sh\nexec cat > "$(mktemp "$OUT/msg.XXXXXXXX")"\n', { mode: 0o755 })
}, 60_000)

afterAll(async () => {
  await t?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

async function runFetchmail(name: 'keep' | 'remove', options: { port: number; implicitTls: boolean; keep: boolean }) {
  const dir = mkdtempSync(join(work, `${name}-mail-`))
  const rc = join(work, `${name}.rc`)
  // sslcommonname: the certificate names localhost; fetchmail would compare it with 127.0.0.1.
  writeFileSync(
    rc,
    [
      'set no bouncemail',
      `poll localhost via 127.0.0.1 with protocol POP3 port ${options.port}`,
      `  user "fetch-${name}@${DOMAIN}" there with password "${PASSWORD}" is "localuser" here`,
      `  options fetchall ${options.keep ? 'keep' : 'nokeep'} sslcertck sslcertfile "${t.caFile}"`,
      `    sslproto "TLS1.2+" sslcommonname "localhost"${options.implicitTls ? ' ssl' : ''}`,
      `  mda "${join(work, 'save.sh')}"`,
      '',
    ].join('\n'),
  )
  chmodSync(rc, 0o600) // fetchmail refuses a readable rc file
  const result = await run(
    [
      fetchmail as string,
      '--nosyslog',
      '--invisible', // no Received: header of its own
      '--fetchmailrc',
      rc,
      '--idfile',
      join(work, `${name}.ids`),
      '--pidfile',
      join(work, `${name}.pid`),
    ],
    { env: { HOME: work, OUT: dir }, timeoutMs: 60_000 },
  )
  return { ...result, dir }
}

describe.skipIf(!fetchmail)('fetchmail', () => {
  test.concurrent('500 messages with keep over STLS: all delivered unchanged, all kept and marked seen', async () => {
    const r = await runFetchmail('keep', { port: t.ports.pop3, implicitTls: false, keep: true })
    expect(r.stderr + r.stdout).not.toContain('error')
    expect(r.code).toBe(0)
    expect(compareDeliveries(r.dir, originals)).toEqual([])
    const stored = await t.stored(accounts.keep)
    expect(stored.size).toBe(COUNT)
    const inbox = await t.server.deps.storage.mailboxes.get(accounts.keep, 'INBOX')
    const records = await t.server.deps.storage.messages.list(inbox?.id ?? -1)
    expect(records.filter(m => m.flags.includes('\\Seen')).length).toBe(COUNT)
  }, 60_000)

  test.concurrent('500 messages without keep over implicit TLS: all delivered unchanged, maildrop emptied', async () => {
    const r = await runFetchmail('remove', { port: t.ports.pop3s, implicitTls: true, keep: false })
    expect(r.code).toBe(0)
    expect(compareDeliveries(r.dir, originals)).toEqual([])
    expect((await t.stored(accounts.remove)).size).toBe(0)
  }, 60_000)
})
