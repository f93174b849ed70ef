// Backup → wipe → restore while mail keeps arriving (issue 9 §3 acceptance): the whole server
// (startServer) on loopback ports with a temp data dir; nodemailer clients deliver to the MX in a
// loop; a backup runs in the middle of it. Every message acknowledged (250) before the snapshot
// began must come back after the data directory is wiped and restored: byte for byte, with its
// UID, flags and the mailbox's UIDVALIDITY, and the restored directory must serve again.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { createBackup } from '../../../src/backup/create-backup.ts'
import { createDirectoryTarget } from '../../../src/backup/directory-target.ts'
import { restoreBackup } from '../../../src/backup/restore-backup.ts'
import { loadConfig } from '../../../src/config/load.ts'
import type { Config } from '../../../src/config/schema.ts'
import { systemClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../src/core/server.ts'
import { createStorage } from '../../../src/storage/index.ts'
import { freePortFlags } from '../../support/binary.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'
import { tempDir } from '../../unit/storage/storage-fixture.ts'

const SENDERS = 3
let work: string
let dataDir: string
let dns: FakeDns
let config: Config
let server: RunningServer | null = null

beforeAll(async () => {
  work = tempDir('backup-load-')
  dataDir = join(work, 'data')
  dns = await startFakeDns({})
  config = loadConfig({
    flags: {
      set: [...freePortFlags.filter(f => f !== '--set'), `dns.servers=${dns.address}`, 'dns.timeoutMs=300'],
      'data-dir': dataDir,
      hostname: 'mx.local.test',
    },
    env: {},
    cwd: work,
    searchPaths: [],
  }).config
  server = await startServer(config, silentLogger)
  await server.deps.storage.domains.add('local.test')
  await server.deps.storage.accounts.create({ email: 'bob@local.test', password: 'correct horse battery staple' })
}, 30_000)

afterAll(async () => {
  await server?.stop(1000)
  await dns?.close()
  rmSync(work, { recursive: true, force: true })
})

test('every message acknowledged before the snapshot survives wipe and restore, identical', async () => {
  const running = server
  if (!running) throw new Error('server not started')
  const mx = running.mail.listeners().find(l => l.name === 'smtp')?.port ?? 0
  const acked: string[] = []
  let stop = false
  const sender = async (n: number) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mx, secure: false, ignoreTLS: true })
    try {
      for (let i = 0; !stop; i++) {
        const id = `<load-${n}-${i}@sender.test>`
        await transport.sendMail({
          envelope: { from: 'sender@sender.test', to: ['bob@local.test'] },
          raw: `From: s@sender.test\r\nTo: bob@local.test\r\nSubject: load ${n}/${i}\r\nMessage-ID: ${id}\r\n\r\n${'line of text\r\n'.repeat(i % 20)}end ${n}/${i}\r\n`,
        })
        acked.push(id) // the 250 came: the message is durable
      }
    } finally {
      transport.close()
    }
  }
  const senders = Array.from({ length: SENDERS }, (_, n) => sender(n))
  while (acked.length < 40) await Bun.sleep(10)

  const storage = running.deps.storage
  const bob = await storage.accounts.get('bob@local.test')
  const inbox = bob && (await storage.mailboxes.get(bob.id, 'INBOX'))
  if (!bob || !inbox) throw new Error('no INBOX')
  // Some state beyond the bytes: flags on the first ten.
  const firstUids = (await storage.messages.uids(inbox.id)).slice(0, 10)
  for (const uid of firstUids.filter((_, i) => i % 2 === 0))
    await storage.messages.setFlags(inbox.id, [{ from: uid, to: uid }], { mode: 'add', flags: ['\\Seen', '\\Flagged'] })

  let cutoff = -1
  const backup = await createBackup({
    dataDir,
    target: createDirectoryTarget(join(work, 'backups')),
    keys: null,
    clock: systemClock,
    logger: silentLogger,
    hostname: 'mx.local.test',
    concurrency: 4,
    refreshObjectsAfterDays: 0,
    retention: { keep: 0, maxAgeDays: 0 },
    onProgress: p => {
      // Called just before VACUUM INTO: everything acknowledged so far precedes the snapshot.
      if (p.phase === 'database' && cutoff < 0) cutoff = acked.length
    },
  })
  const afterBackup = acked.length
  while (acked.length < afterBackup + 10) await Bun.sleep(10)
  stop = true
  await Promise.all(senders)
  expect(cutoff).toBeGreaterThanOrEqual(40)

  // What the live store says about the messages acknowledged before the snapshot.
  const byMessageId = new Map<string, { uid: number; flags: string[]; bytes: string }>()
  for (const record of await storage.messages.list(inbox.id, { envelopes: true })) {
    const id = record.envelope?.messageId
    if (!id) continue
    const bytes = await storage.messages.readBytes(inbox.id, record.uid)
    byMessageId.set(id, { uid: record.uid, flags: record.flags, bytes: Buffer.from(bytes ?? []).toString('base64') })
  }
  const expected = acked.slice(0, cutoff).map(id => ({ id, ...byMessageId.get(id) }))
  expect(expected.every(e => e.uid !== undefined)).toBe(true)
  expect(expected.filter(e => e.flags?.includes('\\Flagged'))).toHaveLength(5)
  const uidValidity = inbox.uidValidity

  await running.stop(2000)
  server = null
  rmSync(dataDir, { recursive: true, force: true })

  const restored = await restoreBackup({
    dataDir,
    target: createDirectoryTarget(join(work, 'backups')),
    id: backup.summary.id,
    keys: null,
    clock: systemClock,
    logger: silentLogger,
    concurrency: 4,
    force: false,
  })
  expect(restored.reconcile.dropped).toBe(0)
  expect(restored.reconcile.indexed).toBe(0)

  const again = await createStorage({ dataDir, hostname: 'mx.local.test', reconcile: true })
  try {
    const bob2 = await again.accounts.get('bob@local.test')
    const inbox2 = bob2 && (await again.mailboxes.get(bob2.id, 'INBOX'))
    if (!inbox2) throw new Error('INBOX missing after restore')
    expect(inbox2.uidValidity).toBe(uidValidity)
    const found = new Map<string, { uid: number; flags: string[]; bytes: string }>()
    for (const record of await again.messages.list(inbox2.id, { envelopes: true })) {
      const bytes = await again.messages.readBytes(inbox2.id, record.uid)
      if (record.envelope?.messageId)
        found.set(record.envelope.messageId, {
          uid: record.uid,
          flags: record.flags,
          bytes: Buffer.from(bytes ?? []).toString('base64'),
        })
    }
    for (const e of expected) expect({ id: e.id, ...found.get(e.id) }).toEqual(e)
    const status = await again.mailboxes.status(inbox2.id)
    expect(status.messages).toBe(found.size)
    expect(status.uidNext).toBeGreaterThan(Math.max(...[...found.values()].map(f => f.uid)))
  } finally {
    again.close()
  }

  // The restored directory serves again.
  server = await startServer(config, silentLogger)
  const bob3 = await server.deps.storage.accounts.get('bob@local.test')
  expect(bob3?.email).toBe('bob@local.test')
}, 60_000)
