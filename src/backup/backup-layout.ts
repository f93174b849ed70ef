// Key layout inside a target (the same for S3 and directories):
//
//   objects/<2 hex>/<name>              one stored file: a message or spool file, gzip [+ AES-GCM];
//                                       <name> is the SHA-256 of the plaintext, or for encrypted
//                                       backups an HMAC of it (backup-key.ts). Shared by every
//                                       snapshot: an unchanged file is uploaded once.
//   snapshots/<id>/mail.db.gz           the database snapshot (VACUUM INTO), gzip [+ AES-GCM]
//   snapshots/<id>/manifest.json.gz     every file of the snapshot with its checksum and object
//   snapshots/<id>/summary.json         plain JSON: when, how much, encrypted with which key id.
//                                       Written last: a snapshot without it is incomplete.
import type { Clock } from '../core/clock.ts'

export const OBJECTS_PREFIX = 'objects/'
export const SNAPSHOTS_PREFIX = 'snapshots/'

export const objectKey = (name: string) => `${OBJECTS_PREFIX}${name.slice(0, 2)}/${name}`
export const objectNameOfKey = (key: string) => key.slice(key.lastIndexOf('/') + 1)
export const databaseKey = (id: string) => `${SNAPSHOTS_PREFIX}${id}/mail.db.gz`
export const manifestKey = (id: string) => `${SNAPSHOTS_PREFIX}${id}/manifest.json.gz`
export const summaryKey = (id: string) => `${SNAPSHOTS_PREFIX}${id}/summary.json`

/** The snapshot id of a key under snapshots/, or null. */
export function snapshotIdOfKey(key: string): string | null {
  if (!key.startsWith(SNAPSHOTS_PREFIX)) return null
  const id = key.slice(SNAPSHOTS_PREFIX.length).split('/')[0]
  return id ? id : null
}

const SNAPSHOT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/

export const isSnapshotId = (id: string) => SNAPSHOT_ID.test(id)

/** `20260128T215220Z-3fa1`: sorts by time, unique enough for one server. */
export function newSnapshotId(clock: Clock): string {
  const stamp = new Date(clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(2))).toString('hex')
  return `${stamp}-${random}`
}
