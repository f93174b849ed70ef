// Backups into an S3-compatible server on loopback (npm s3rver, in process) through Bun's
// S3Client, configured the way an operator does it (backup.s3.* keys): create, incremental,
// list, multipart upload of a large object, encrypted restore, retention deletes, and the
// scheduled backup service of `serve`.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import S3rver from 's3rver'
import { runBackupJob } from '../../../src/backup/backup-job.ts'
import { createBackupSchedulerService } from '../../../src/backup/backup-scheduler.ts'
import { readBackupStatus } from '../../../src/backup/backup-status.ts'
import { listSnapshots } from '../../../src/backup/list-backups.ts'
import { openTarget } from '../../../src/backup/open-target.ts'
import { restoreBackup } from '../../../src/backup/restore-backup.ts'
import { loadBackupKeys } from '../../../src/backup/backup-key.ts'
import { loadConfig } from '../../../src/config/load.ts'
import type { Config } from '../../../src/config/schema.ts'
import { systemClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { createStorage, type Storage } from '../../../src/storage/index.ts'
import { tempDir, testPasswordHash } from '../../unit/storage/storage-fixture.ts'

const KEY = 'c'.repeat(64)
let s3: S3rver
let endpoint: string
let work: string
let dataDir: string
let storage: Storage
let ann: number

const enc = (s: string) => new TextEncoder().encode(s)

function configFor(set: string[] = []): Config {
  return loadConfig({
    flags: {
      'data-dir': dataDir,
      set: [
        `backup.s3.endpoint=${endpoint}`,
        'backup.s3.region=us-east-1',
        'backup.s3.accessKeyId=S3RVER',
        'backup.s3.secretAccessKey=S3RVER',
        `backup.encryptionKey=${KEY}`,
        ...set,
      ],
    },
    env: {},
    cwd: work,
    searchPaths: [],
  }).config
}

beforeAll(async () => {
  work = tempDir('backup-s3-')
  dataDir = join(work, 'data')
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: 'mail-backups', configs: [] }],
  })
  const address = await s3.run()
  endpoint = `http://127.0.0.1:${address.port}`
  storage = await createStorage({ dataDir, hostname: 'test.example' })
  await storage.domains.add('example.test')
  ann = (await storage.accounts.create({ email: 'ann@example.test', passwordHash: await testPasswordHash() })).id
  for (let i = 0; i < 20; i++)
    await storage.messages.append({
      accountId: ann,
      mailbox: 'INBOX',
      content: enc(`Subject: s3 ${i}\r\nMessage-ID: <${i}@s3.test>\r\n\r\nbody ${i}\r\n`),
      flags: i % 4 === 0 ? ['\\Flagged'] : [],
    })
  // One large message: more than the in-memory limit and several multipart parts once compressed
  // (random bytes do not compress).
  const big = new Uint8Array(18 * 2 ** 20)
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536))
  await storage.messages.append({
    accountId: ann,
    mailbox: 'INBOX',
    content: enc(`Subject: big\r\n\r\n${Buffer.from(big).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`),
  })
}, 30_000)

afterAll(async () => {
  storage?.close()
  await s3?.close()
  Bun.spawnSync(['rm', '-rf', work])
})

async function messagesOf(s: Storage) {
  const account = await s.accounts.get('ann@example.test')
  const box = account && (await s.mailboxes.get(account.id, 'INBOX'))
  if (!box) throw new Error('no INBOX')
  const out = []
  for (const r of await s.messages.list(box.id)) {
    const bytes = (await s.messages.readBytes(box.id, r.uid)) ?? new Uint8Array()
    out.push({
      uid: r.uid,
      flags: r.flags,
      size: r.size,
      sha: new Bun.CryptoHasher('sha256').update(bytes).digest('hex'),
    })
  }
  return { uidValidity: box.uidValidity, out }
}

describe('S3 target (s3rver)', () => {
  test('create, incremental create, list, restore (encrypted, multipart)', async () => {
    const config = configFor()
    const to = 's3://mail-backups/server-1'
    const first = await runBackupJob({ config, logger: silentLogger, clock: systemClock, to, encrypt: true })
    expect(first.summary.stats).toMatchObject({ files: 21, uploaded: 21, reused: 0, missing: 0 })
    await storage.messages.append({ accountId: ann, mailbox: 'INBOX', content: enc('Subject: later\r\n\r\nx\r\n') })
    const second = await runBackupJob({ config, logger: silentLogger, clock: systemClock, to, encrypt: true })
    expect(second.summary.stats).toMatchObject({ files: 22, uploaded: 1, reused: 21 })

    const target = openTarget(to, { config, clock: systemClock })
    const listed = await listSnapshots(target)
    expect(listed.snapshots.map(s => s.id)).toEqual([second.summary.id, first.summary.id])
    expect(listed.snapshots[0]?.encryption?.keyId).toBe((await loadBackupKeys(config.backup))?.id)

    const restoredDir = join(work, 'restored')
    const result = await restoreBackup({
      dataDir: restoredDir,
      target,
      id: 'latest',
      keys: await loadBackupKeys(config.backup),
      clock: systemClock,
      logger: silentLogger,
      concurrency: 4,
      force: false,
    })
    expect(result.files).toBe(22)
    const again = await createStorage({ dataDir: restoredDir, hostname: 'test.example' })
    try {
      expect(await messagesOf(again)).toEqual(await messagesOf(storage))
    } finally {
      again.close()
    }
  }, 60_000)

  test('a prefix of its own per target; retention deletes through the S3 API', async () => {
    const config = configFor(['backup.keep=1'])
    const to = 's3://mail-backups/retention'
    const a = await runBackupJob({ config, logger: silentLogger, clock: systemClock, to })
    const b = await runBackupJob({ config, logger: silentLogger, clock: systemClock, to })
    expect(b.removedSnapshots).toEqual([a.summary.id])
    const target = openTarget(to, { config, clock: systemClock })
    expect((await listSnapshots(target)).snapshots.map(s => s.id)).toEqual([b.summary.id])
    const keys: string[] = []
    for await (const o of target.list(`snapshots/${a.summary.id}/`)) keys.push(o.key)
    expect(keys).toEqual([])
  }, 60_000)

  test('no keys configured: credentials of the instance role (IMDSv2)', async () => {
    const requests: string[] = []
    // A stand-in for the EC2 metadata service: token, role name, then the role's credentials.
    const imds = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(req) {
        const path = new URL(req.url).pathname
        requests.push(`${req.method} ${path}`)
        if (path === '/latest/api/token') return new Response('imds-token')
        if (req.headers.get('x-aws-ec2-metadata-token') !== 'imds-token') return new Response('', { status: 401 })
        if (path === '/latest/meta-data/iam/security-credentials/') return new Response('mail-server-role')
        return Response.json({
          Code: 'Success',
          AccessKeyId: 'S3RVER',
          SecretAccessKey: 'S3RVER',
          Token: 'session',
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        })
      },
    })
    try {
      const config = configFor([
        'backup.s3.accessKeyId=',
        'backup.s3.secretAccessKey=',
        `delivery.ses.imdsEndpoint=http://127.0.0.1:${imds.port}`,
      ])
      const result = await runBackupJob({
        config,
        logger: silentLogger,
        clock: systemClock,
        to: 's3://mail-backups/role',
      })
      expect(result.summary.stats.files).toBeGreaterThan(0)
      expect(requests.slice(0, 3)).toEqual([
        'PUT /latest/api/token',
        'GET /latest/meta-data/iam/security-credentials/',
        'GET /latest/meta-data/iam/security-credentials/mail-server-role',
      ])
    } finally {
      imds.stop(true)
    }
  }, 30_000)

  test('bad credentials: a clear failure recorded in the status', async () => {
    const config = configFor(['backup.s3.accessKeyId=NOBODY'])
    await expect(
      runBackupJob({ config, logger: silentLogger, clock: systemClock, to: 's3://mail-backups/denied' }),
    ).rejects.toThrow('s3://mail-backups/denied')
    expect(readBackupStatus(dataDir).lastRun?.state).toBe('failed')
  }, 30_000)

  test('the scheduled backup service of serve runs and records its run', async () => {
    // An interval of a fraction of a second: earlier tests' successful runs make the first one due at once.
    const config = configFor(['backup.intervalHours=0.0001', 'backup.target=s3://mail-backups/scheduled'])
    const outcome = Promise.withResolvers<{ ok: boolean }>()
    const deps = { config, logger: silentLogger, clock: systemClock, storage } as unknown as ServerDeps
    const service = createBackupSchedulerService(deps, { startDelayMs: 0, onRun: o => outcome.resolve(o) })
    await service.start()
    try {
      expect(await outcome.promise).toMatchObject({ ok: true })
      expect(readBackupStatus(dataDir).lastSuccess?.target).toBe('s3://mail-backups/scheduled')
    } finally {
      await service.stop(1000)
    }
  }, 30_000)
})
