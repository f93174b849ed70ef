// `backup create` (and the scheduled backup in `serve`): a consistent, incremental snapshot of the
// data directory into a target, while the server keeps running.
//
//   1. VACUUM INTO copies mail.db as of one moment (snapshot-database.ts): the backup's point in
//      time. Everything acknowledged before it (a delivery's 250 comes after its commit) is in it.
//   2. The copy names every message file (and outbound spool file) it needs (snapshot-contents.ts).
//      Those files never change content, so reading them after the snapshot gives the snapshot's
//      bytes; one renamed or moved since is found by its unique part (file-locator.ts); one expunged
//      since is recorded as missing (restore's reconcile drops its row, as after any expunge).
//   3. The database copy is streamed through SHA-256, gzip and (optionally) AES-256-GCM into the
//      target; each file becomes a content-addressed object (name = SHA-256 of its plaintext, or an
//      HMAC of it when encrypted) uploaded only if the target does not have it yet: unchanged mail
//      is never uploaded twice. Objects older than backup.refreshObjectsAfterDays are uploaded
//      again, for buckets whose lifecycle rule expires objects by age.
//   4. The manifest (every file with size, SHA-256, object), then the summary — last, so a snapshot
//      is listed only once complete. A directory target is fsynced before the summary is written.
//   5. Retention (retention.ts); its failure is reported, the new snapshot stands.
// Progress is reported through onProgress and <dataDir>/backup/status.json (backup-status.ts).
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../core/clock.ts'
import { errorMessage } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import { buildInfo } from '../core/version.ts'
import { acquireBackupLock } from './backup-lock.ts'
import { type BackupKeys, encryptedObjectName } from './backup-key.ts'
import {
  databaseKey,
  manifestKey,
  newSnapshotId,
  OBJECTS_PREFIX,
  objectKey,
  objectNameOfKey,
  summaryKey,
} from './backup-layout.ts'
import { type BackupProgress, type BackupRun, backupStateDir, writeBackupRun } from './backup-status.ts'
import type { BackupTarget } from './backup-target.ts'
import { createFileLocator } from './file-locator.ts'
import { hashingStream, sha256Hex } from './hash-stream.ts'
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestFile,
  type SnapshotStats,
  type SnapshotSummary,
} from './manifest.ts'
import { encodeBytes, encodeStream } from './object-codec.ts'
import { applyRetention, type RetentionPolicy } from './retention.ts'
import { runPool } from './run-pool.ts'
import { listSnapshotFiles, type SnapshotFile } from './snapshot-contents.ts'
import { snapshotDatabase } from './snapshot-database.ts'

export interface CreateBackupOptions {
  dataDir: string
  target: BackupTarget
  /** Encrypt with these keys; null = compressed only. */
  keys: BackupKeys | null
  clock: Clock
  logger: Logger
  hostname: string
  concurrency: number
  refreshObjectsAfterDays: number
  retention: RetentionPolicy
  onProgress?(progress: BackupProgress): void
}

export interface BackupResult {
  summary: SnapshotSummary
  removedSnapshots: string[]
  removedObjects: number
  /** Why retention did not complete, or null. */
  retentionError: string | null
}

/** Files up to this size are read whole (one read, hashed and compressed in memory). */
const IN_MEMORY_BYTES = 16 * 2 ** 20
const STATUS_INTERVAL_MS = 2000
const DAY = 86_400_000
/** Clock skew allowed between us and the target when protecting fresh objects from retention. */
const SKEW_MS = 5 * 60_000

export async function createBackup(options: CreateBackupOptions): Promise<BackupResult> {
  const { dataDir, target, keys, clock, logger } = options
  const lock = acquireBackupLock(dataDir)
  const id = newSnapshotId(clock)
  const startedAt = clock.now()
  const run: BackupRun = {
    id,
    target: target.url,
    encrypted: keys !== null,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: null,
    state: 'running',
    error: null,
    progress: null,
    stats: null,
    removedSnapshots: [],
    pid: process.pid,
  }
  let lastStatusWrite = 0
  const progress = (p: BackupProgress, force = false) => {
    run.progress = p
    options.onProgress?.(p)
    const now = clock.now()
    if (force || now - lastStatusWrite >= STATUS_INTERVAL_MS) {
      lastStatusWrite = now
      writeBackupRun(dataDir, run)
    }
  }
  const snapshotPath = join(backupStateDir(dataDir), `snapshot-${id}.db`)
  try {
    progress({ phase: 'database', done: 0, total: 1, bytes: 0 }, true)
    await snapshotDatabase(dataDir, snapshotPath)
    const createdAt = clock.now()
    const files = listSnapshotFiles(snapshotPath)
    logger.info('backup snapshot taken', { id, target: target.url, files: files.length })

    const existing = new Map<string, number>()
    for await (const object of target.list(OBJECTS_PREFIX))
      existing.set(objectNameOfKey(object.key), object.lastModified)

    const { transform, digest } = hashingStream()
    const dbStored = await target.putStream(
      databaseKey(id),
      encodeStream((Bun.file(snapshotPath).stream() as ReadableStream<Uint8Array>).pipeThrough(transform), keys),
    )
    await rm(snapshotPath, { force: true })

    const stats: SnapshotStats = { files: 0, bytes: 0, uploaded: 0, uploadedBytes: 0, reused: 0, missing: 0 }
    const entries = new Array<ManifestFile | null>(files.length).fill(null)
    const missing: Manifest['missing'] = []
    const locator = createFileLocator(dataDir)
    const staleBefore = options.refreshObjectsAfterDays > 0 ? clock.now() - options.refreshObjectsAfterDays * DAY : 0
    const nameOf = (sha: string) => (keys ? encryptedObjectName(keys, sha) : sha)
    let done = 0
    const tick = () => progress({ phase: 'files', done, total: files.length, bytes: stats.bytes })
    tick()

    await runPool(files, options.concurrency, async (file, index) => {
      const stored = await storeFile(file)
      done++
      if (stored === null) {
        stats.missing++
        missing.push({ path: file.path, reason: 'gone before it was read (expunged after the snapshot)' })
      } else {
        entries[index] = stored
        stats.files++
        stats.bytes += stored.size
      }
      tick()
    })

    async function storeFile(file: SnapshotFile): Promise<ManifestFile | null> {
      for (const attempt of [undefined, 'stale'] as const) {
        const path = await locator.locate(file, attempt)
        if (path === null) return null
        try {
          return await storeFrom(file, path)
        } catch (e) {
          // Renamed or moved between locating and reading it: look again once.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
        }
      }
      return null
    }

    async function storeFrom(file: SnapshotFile, path: string): Promise<ManifestFile> {
      const handle = Bun.file(path)
      const mtimeMs = handle.lastModified
      const size = handle.size
      if (size <= IN_MEMORY_BYTES) {
        const bytes = await handle.bytes()
        const sha256 = sha256Hex(bytes)
        const object = nameOf(sha256)
        if (needsUpload(object)) {
          const encoded = encodeBytes(bytes, keys)
          await target.put(objectKey(object), encoded)
          uploaded(object, encoded.length)
        } else stats.reused++
        return { path: file.path, size: bytes.length, sha256, object, mtimeMs }
      }
      // Large: hash in one pass, then stream the upload only if needed (never held whole).
      const hasher = new Bun.CryptoHasher('sha256')
      let length = 0
      for await (const chunk of handle.stream() as unknown as AsyncIterable<Uint8Array>) {
        hasher.update(chunk)
        length += chunk.length
      }
      const sha256 = hasher.digest('hex')
      const object = nameOf(sha256)
      if (needsUpload(object)) {
        const storedSize = await target.putStream(
          objectKey(object),
          encodeStream(handle.stream() as ReadableStream<Uint8Array>, keys),
        )
        uploaded(object, storedSize)
      } else stats.reused++
      return { path: file.path, size: length, sha256, object, mtimeMs }
    }

    function needsUpload(object: string): boolean {
      const at = existing.get(object)
      if (at === undefined || at < staleBefore) {
        // Claimed now, so a second copy of the same content (a hard link) in this run is reused.
        existing.set(object, Number.POSITIVE_INFINITY)
        return true
      }
      return false
    }

    function uploaded(object: string, storedSize: number) {
      existing.set(object, clock.now())
      stats.uploaded++
      stats.uploadedBytes += storedSize
    }

    progress({ phase: 'finishing', done, total: files.length, bytes: stats.bytes }, true)
    const encryption = keys ? { algorithm: 'AES-256-GCM-STREAM-64K' as const, keyId: keys.id } : null
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      id,
      createdAt: new Date(createdAt).toISOString(),
      encryption,
      database: { sha256: digest.sha256(), size: digest.bytes() },
      files: entries.filter((e): e is ManifestFile => e !== null),
      missing,
    }
    await target.put(manifestKey(id), encodeBytes(new TextEncoder().encode(JSON.stringify(manifest)), keys))
    await target.sync()
    const summary: SnapshotSummary = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      id,
      createdAt: manifest.createdAt,
      finishedAt: new Date(clock.now()).toISOString(),
      hostname: options.hostname,
      serverVersion: buildInfo().version,
      encryption,
      database: { size: digest.bytes(), storedSize: dbStored },
      stats,
    }
    await target.put(summaryKey(id), new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`))
    await target.sync()
    run.stats = stats
    logger.info('backup written', { id, target: target.url, ...stats })

    let retentionError: string | null = null
    let removedSnapshots: string[] = []
    let removedObjects = 0
    if (options.retention.keep > 0 || options.retention.maxAgeDays > 0) {
      progress({ phase: 'retention', done, total: files.length, bytes: stats.bytes }, true)
      try {
        const result = await applyRetention({
          target,
          policy: options.retention,
          keys,
          now: clock.now(),
          protectAfter: startedAt - SKEW_MS,
          logger,
        })
        removedSnapshots = result.removedSnapshots
        removedObjects = result.removedObjects
      } catch (e) {
        retentionError = errorMessage(e)
        logger.warn('backup retention failed; old snapshots stay', { target: target.url, error: retentionError })
      }
    }
    run.state = 'succeeded'
    run.finishedAt = summary.finishedAt
    run.removedSnapshots = removedSnapshots
    run.error = retentionError === null ? null : `retention: ${retentionError}`
    writeBackupRun(dataDir, run)
    return { summary, removedSnapshots, removedObjects, retentionError }
  } catch (e) {
    run.state = 'failed'
    run.finishedAt = new Date(clock.now()).toISOString()
    run.error = errorMessage(e)
    writeBackupRun(dataDir, run)
    logger.error('backup failed', { id, target: target.url, error: run.error })
    throw e
  } finally {
    await rm(snapshotPath, { force: true }).catch(() => {})
    lock.release()
  }
}
