// What a snapshot holds. The summary (plain JSON) is enough to list snapshots without the key; the
// manifest (gzip, encrypted like the objects) names every file with its size, SHA-256 and object,
// and the database snapshot with its checksum. Restore checks every checksum.
import { backupCorrupt } from './backup-errors.ts'

export const MANIFEST_FORMAT = 'mail-server-backup'
export const MANIFEST_VERSION = 1

export interface Encryption {
  algorithm: 'AES-256-GCM-STREAM-64K'
  keyId: string
}

export interface ManifestFile {
  /** Relative to the data directory, '/'-separated: `maildir/example.org/ann/cur/…`, `queue/q1.eml`. */
  path: string
  size: number
  sha256: string
  /** Object name (objects/<2>/<name>). */
  object: string
  mtimeMs: number
}

export interface SnapshotStats {
  files: number
  bytes: number
  /** Objects this run uploaded, and their stored (compressed) size. */
  uploaded: number
  uploadedBytes: number
  /** Files whose object was already in the target. */
  reused: number
  /** Files in the snapshot's index that were gone before they could be read (expunged meanwhile). */
  missing: number
}

export interface SnapshotSummary {
  format: typeof MANIFEST_FORMAT
  version: typeof MANIFEST_VERSION
  id: string
  /** ISO times: when the database snapshot was taken (the backup's point in time) and when done. */
  createdAt: string
  finishedAt: string
  hostname: string
  serverVersion: string
  encryption: Encryption | null
  database: { size: number; storedSize: number }
  stats: SnapshotStats
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT
  version: typeof MANIFEST_VERSION
  id: string
  createdAt: string
  encryption: Encryption | null
  database: { sha256: string; size: number }
  files: ManifestFile[]
  /** Index entries whose file was gone (path, why); restore leaves them to reconcile. */
  missing: Array<{ path: string; reason: string }>
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function checkHeader(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value) || value.format !== MANIFEST_FORMAT) throw backupCorrupt(`${what} is not a mail-server backup`)
  if (value.version !== MANIFEST_VERSION)
    throw backupCorrupt(`${what} has format version ${String(value.version)}; this build reads ${MANIFEST_VERSION}`)
  return value
}

export function parseSummary(text: string): SnapshotSummary {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw backupCorrupt('summary.json is not JSON')
  }
  const v = checkHeader(value, 'summary.json')
  if (typeof v.id !== 'string' || typeof v.createdAt !== 'string' || !isObject(v.stats) || !isObject(v.database))
    throw backupCorrupt('summary.json lacks id, createdAt, database or stats')
  return v as unknown as SnapshotSummary
}

export function parseManifest(text: string): Manifest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw backupCorrupt('the manifest is not JSON')
  }
  const v = checkHeader(value, 'the manifest')
  if (!Array.isArray(v.files) || !isObject(v.database) || typeof v.database.sha256 !== 'string')
    throw backupCorrupt('the manifest lacks files or the database checksum')
  for (const file of v.files) {
    const f = file as Partial<ManifestFile>
    if (
      typeof f.path !== 'string' ||
      typeof f.sha256 !== 'string' ||
      typeof f.object !== 'string' ||
      typeof f.size !== 'number' ||
      f.path.split('/').some(part => part === '..' || part === '') ||
      f.path.startsWith('/')
    )
      throw backupCorrupt(`bad file entry in the manifest: ${JSON.stringify(file).slice(0, 200)}`)
  }
  return v as unknown as Manifest
}
