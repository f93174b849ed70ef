// getmail6 (Debian's getmail) downloads 500 messages from the running server over implicit TLS with
// certificate verification into a Maildir, first keeping them on the server, then deleting them.
// The two runs use two accounts and run side by side. Each must deliver every message exactly once, byte-identical (modulo the LF line ends getmail
// writes to a Maildir). getmail6's POP3 retrievers have no STLS; STLS is covered by poplib and fetchmail.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareDeliveries } from './support/delivered-files.ts'
import { DOMAIN, PASSWORD, type Pop3TestServer, run, startPop3TestServer, testMessage } from './support/pop3-server.ts'

const getmail = Bun.which('getmail')
// The wrapper closes a race in getmail's own child handling (see the file); it must run under the
// interpreter getmail was installed for (Debian: /usr/bin/python3, not a python3 earlier in PATH).
const WRAPPER = join(import.meta.dir, 'support', 'getmail-run.py')
const getmailPython = getmail
  ? (/^#!\s*(\S+)/.exec(readFileSync(getmail, 'utf8').split('\n')[0] ?? '')?.[1] ?? 'python3')
  : ''
const COUNT = 500
let t: Pop3TestServer
let work: string
const accounts = { keep: 0, remove: 0 }
const originals = new Map<number, Uint8Array>()

beforeAll(async () => {
  if (!getmail) return
  t = await startPop3TestServer()
  work = mkdtempSync(join(tmpdir(), 'pop3-getmail-'))
  accounts.keep = await t.addAccount('getmail-keep')
  accounts.remove = await t.addAccount('getmail-remove')
  const messages = Array.from({ length: COUNT }, (_, i) => testMessage(i + 1, 1024 + (i % 5) * 900))
  messages.forEach((m, i) => originals.set(i + 1, m))
  await Promise.all([t.append(accounts.keep, messages), t.append(accounts.remove, messages)])
}, 60_000)

afterAll(async () => {
  await t?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

async function runGetmail(name: 'keep' | 'remove', options: { delete: boolean }) {
  const maildir = join(work, `${name}-maildir`)
  for (const sub of ['', 'cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true })
  const getmaildir = join(work, `${name}-getmail`)
  mkdirSync(getmaildir)
  // getmail refuses to deliver as root; as root it delivers as `nobody`, who must reach the Maildir.
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    chmodSync(work, 0o755)
    for (const sub of ['', 'cur', 'new', 'tmp']) chmodSync(join(maildir, sub), 0o777)
  }
  writeFileSync(
    join(getmaildir, 'getmailrc'),
    [
      '[retriever]',
      'type = SimplePOP3SSLRetriever',
      'server = 127.0.0.1',
      `port = ${t.ports.pop3s}`,
      `username = getmail-${name}@${DOMAIN}`,
      `password = ${PASSWORD}`,
      `ca_certs = ${t.caFile}`,
      // The certificate names localhost; getmail would compare it with 127.0.0.1.
      'ssl_cert_hostname = localhost',
      '',
      '[destination]',
      'type = Maildir',
      `path = ${maildir}/`,
      ...(asRoot ? ['user = nobody'] : []),
      '',
      '[options]',
      'read_all = true',
      `delete = ${options.delete}`,
      'delivered_to = false',
      'received = false',
      'verbose = 1',
      '',
    ].join('\n'),
  )
  const result = await run([getmailPython, WRAPPER, '--getmaildir', getmaildir, '--rcfile', 'getmailrc'], {
    env: { HOME: work },
    timeoutMs: 30_000,
  })
  return { ...result, dir: join(maildir, 'new') }
}

describe.skipIf(!getmail)('getmail6', () => {
  test.concurrent('500 messages kept on the server: all delivered unchanged, none removed', async () => {
    const r = await runGetmail('keep', { delete: false })
    expect(`${r.stdout}${r.stderr}`).not.toContain('error')
    expect(r.code).toBe(0)
    expect(compareDeliveries(r.dir, originals)).toEqual([])
    expect((await t.stored(accounts.keep)).size).toBe(COUNT)
  }, 60_000)

  test.concurrent('500 messages deleted after retrieval: all delivered unchanged, maildrop emptied', async () => {
    const r = await runGetmail('remove', { delete: true })
    expect(r.code).toBe(0)
    expect(compareDeliveries(r.dir, originals)).toEqual([])
    expect((await t.stored(accounts.remove)).size).toBe(0)
  }, 60_000)
})
