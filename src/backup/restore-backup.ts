// `backup restore <id>`: bring a data directory back to a snapshot.
//
// Nothing is replaced until everything is in hand: the database copy and every file are
// downloaded into <dataDir>/restore-<id>.partial/, each checked against the manifest's SHA-256,
// the database checked with PRAGMA quick_check, and all of it made durable. Only then are the
// current mail.db (+ -wal, -shm), maildir/ and queue/ moved aside into <dataDir>/pre-restore-<time>/
// (renames: no copy, nothing deleted — remove that directory once satisfied) and the restored ones
// renamed into place. Finally the storage is opened with reconcile, which applies migrations when
// the backup came from an older build and drops rows whose file was expunged during the backup.
//
// Refusals: a server running on the data directory (run/server.json with a live pid) — stop it
// first; existing data (a database, mail files, queued mail) unless `force`, with the list of what
// would be moved aside; an encrypted backup without the key, or with another key.
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Clock } from '../core/clock.ts'
import { MailError, userError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import { readRuntimeState } from '../core/runtime-state.ts'
import { createStorage, type ReconcileReport } from '../storage/index.ts'
import { syncDirectory } from '../storage/maildir/sync-directory.ts'
import { syncMany } from '../storage/repositories/sync-file-system.ts'
import { backupCorrupt } from './backup-errors.ts'
import type { BackupKeys } from './backup-key.ts'
import { databaseKey, manifestKey, objectKey } from './backup-layout.ts'
import { acquireBackupLock } from './backup-lock.ts'
import type { BackupTarget } from './backup-target.ts'
import { hashingStream, sha256Hex } from './hash-stream.ts'
import { findSnapshot } from './list-backups.ts'
import { type ManifestFile, parseManifest, type SnapshotSummary } from './manifest.ts'
import { decodeBytes, decodeStream } from './object-codec.ts'
import { runPool } from './run-pool.ts'
import { checkDatabaseFile, databasePath } from './snapshot-database.ts'
import { countSnapshot } from './snapshot-contents.ts'

export interface RestoreProgress {
  phase: 'database' | 'files' | 'finishing'
  done: number
  total: number
  bytes: number
}

export interface RestoreOptions {
  dataDir: string
  target: BackupTarget
  /** Snapshot id or `latest`. */
  id: string
  keys: BackupKeys | null
  clock: Clock
  logger: Logger
  concurrency: number
  /** Replace existing data (moved aside, not deleted). */
  force: boolean
  onProgress?(progress: RestoreProgress): void
}

export interface RestoreResult {
  summary: SnapshotSummary
  files: number
  bytes: number
  /** Where the replaced data went, or null when there was none. */
  previousData: string | null
  reconcile: ReconcileReport
}

/** Something restore would move aside. */
export interface ExistingData {
  path: string
  description: string
}

/** Entries of the data directory a restore replaces (everything else — tls/, run/, backup/ — stays). */
const REPLACED = ['mail.db', 'mail.db-wal', 'mail.db-shm', 'maildir', 'queue'] as const

const IN_MEMORY_BYTES = 16 * 2 ** 20

/** What a restore into `dataDir` would replace, described for the refusal message. */
export async function inspectDataDir(dataDir: string): Promise<ExistingData[]> {
  const found: ExistingData[] = []
  const db = databasePath(dataDir)
  if (existsSync(db)) {
    let description = 'the database'
    try {
      const counts = countSnapshot(db)
      description = `the database (${counts.accounts} accounts, ${counts.mailboxes} mailboxes, ${counts.messages} messages)`
    } catch {
      // unreadable: still in the way
    }
    found.push({ path: db, description })
  }
  for (const dir of ['maildir', 'queue']) {
    const path = join(dataDir, dir)
    const entries = await readdir(path).catch(() => [] as string[])
    const visible = entries.filter(e => !e.startsWith('.'))
    if (visible.length > 0)
      found.push({
        path,
        description:
          dir === 'maildir' ? `mail files of ${visible.length} domain(s)` : `${visible.length} queued message file(s)`,
      })
  }
  return found
}

function liveServerPid(dataDir: string): number | null {
  const state = readRuntimeState(dataDir)
  if (!state) return null
  try {
    process.kill(state.pid, 0)
    return state.pid
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? state.pid : null
  }
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { dataDir, target, keys, logger } = options
  const summary = await findSnapshot(target, options.id)
  if (summary.encryption && !keys)
    throw userError(
      `backup ${summary.id} is encrypted (key ${summary.encryption.keyId}); set backup.encryptionKey or backup.encryptionKeyFile`,
      { code: 'backup_key_required' },
    )
  if (summary.encryption && keys && summary.encryption.keyId !== keys.id)
    throw userError(
      `backup ${summary.id} was encrypted with key ${summary.encryption.keyId}; the configured key is ${keys.id}`,
      { code: 'wrong_backup_key' },
    )
  const codecKeys = summary.encryption ? keys : null

  const pid = liveServerPid(dataDir)
  if (pid !== null)
    throw new MailError(
      'user',
      `a server (pid ${pid}) is running on ${dataDir}; stop it before restoring (remove run/server.json if that process is not the mail server)`,
      { code: 'server_running' },
    )
  const existing = await inspectDataDir(dataDir)
  if (existing.length > 0 && !options.force)
    throw new MailError(
      'user',
      `${dataDir} holds data that the restore would replace:\n${existing.map(e => `  ${e.path}: ${e.description}`).join('\n')}\nPass --force to move it aside (into ${dataDir}/pre-restore-<time>/) and restore ${summary.id}.`,
      { code: 'data_exists' },
    )

  await mkdir(dataDir, { recursive: true })
  const lock = acquireBackupLock(dataDir)
  const staging = join(dataDir, `restore-${summary.id}.partial`)
  try {
    await rm(staging, { recursive: true, force: true })
    await mkdir(staging, { recursive: true })
    const stored = await target.get(manifestKey(summary.id))
    if (!stored) throw backupCorrupt(`the manifest of ${summary.id} is missing`)
    const manifest = parseManifest(new TextDecoder().decode(decodeBytes(stored, codecKeys)))
    if (manifest.id !== summary.id) throw backupCorrupt(`the manifest of ${summary.id} belongs to ${manifest.id}`)

    // The database copy, streamed and hashed.
    const progress = (p: RestoreProgress) => options.onProgress?.(p)
    progress({ phase: 'database', done: 0, total: 1, bytes: 0 })
    const stagedDb = join(staging, 'mail.db')
    const { transform, digest } = hashingStream()
    await Bun.write(
      stagedDb,
      new Response(decodeStream(await target.getStream(databaseKey(summary.id)), codecKeys).pipeThrough(transform)),
    )
    if (digest.sha256() !== manifest.database.sha256 || digest.bytes() !== manifest.database.size)
      throw backupCorrupt(`the database copy of ${summary.id} does not match its checksum`)
    const dbProblem = checkDatabaseFile(stagedDb)
    if (dbProblem) throw backupCorrupt(`the database copy of ${summary.id} fails its integrity check: ${dbProblem}`)

    // Every file, checked against the manifest.
    const written: string[] = [stagedDb]
    const dirs = new Set<string>([staging])
    let done = 0
    let bytes = 0
    progress({ phase: 'files', done, total: manifest.files.length, bytes })
    await runPool(manifest.files, options.concurrency, async file => {
      const path = join(staging, file.path)
      await ensureDir(dirname(path), staging, dirs)
      await fetchFile(target, file, path, codecKeys)
      const when = new Date(file.mtimeMs)
      await utimes(path, when, when)
      written.push(path)
      done++
      bytes += file.size
      progress({ phase: 'files', done, total: manifest.files.length, bytes })
    })
    progress({ phase: 'finishing', done, total: manifest.files.length, bytes })
    await syncMany(written, [...dirs])

    const previousData = await swapIn(dataDir, staging, options.clock)
    if (manifest.missing.length > 0)
      logger.info('files expunged while the backup ran are dropped from the index', { count: manifest.missing.length })
    const storage = await createStorage({ dataDir, logger, clock: options.clock })
    let reconcile: ReconcileReport
    try {
      reconcile = await storage.reconcile()
    } finally {
      storage.close()
    }
    return { summary, files: manifest.files.length, bytes, previousData, reconcile }
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => {})
    lock.release()
  }
}

async function ensureDir(dir: string, root: string, known: Set<string>): Promise<void> {
  if (known.has(dir)) return
  await mkdir(dir, { recursive: true })
  for (let d = dir; d.startsWith(root) && !known.has(d); d = dirname(d)) known.add(d)
}

async function fetchFile(
  target: BackupTarget,
  file: ManifestFile,
  path: string,
  keys: BackupKeys | null,
): Promise<void> {
  const key = objectKey(file.object)
  if (file.size <= IN_MEMORY_BYTES) {
    const stored = await target.get(key)
    if (!stored) throw backupCorrupt(`object ${file.object} of ${file.path} is missing from the target`)
    const plain = decodeBytes(stored, keys)
    if (plain.length !== file.size || sha256Hex(plain) !== file.sha256)
      throw backupCorrupt(`${file.path} does not match its checksum`)
    await writeFile(path, plain, { mode: 0o600 })
    return
  }
  const { transform, digest } = hashingStream()
  await Bun.write(path, new Response(decodeStream(await target.getStream(key), keys).pipeThrough(transform)))
  if (digest.bytes() !== file.size || digest.sha256() !== file.sha256)
    throw backupCorrupt(`${file.path} does not match its checksum`)
}

/** Move the current data aside and the staged data in; returns where the old data went. */
async function swapIn(dataDir: string, staging: string, clock: Clock): Promise<string | null> {
  const present = []
  for (const name of REPLACED) if (await stat(join(dataDir, name)).catch(() => null)) present.push(name)
  let aside: string | null = null
  if (present.length > 0) {
    aside = join(dataDir, `pre-restore-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`)
    await mkdir(aside)
    for (const name of present) await rename(join(dataDir, name), join(aside, name))
  }
  for (const name of ['mail.db', 'maildir', 'queue']) {
    const from = join(staging, name)
    if (await stat(from).catch(() => null)) await rename(from, join(dataDir, name))
  }
  await syncDirectory(dataDir)
  if (aside) await syncDirectory(aside)
  return aside
}
