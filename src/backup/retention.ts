// Retention (backup.keep, backup.maxAgeDays): which snapshots go, then which objects no snapshot
// needs any more.
//
// The newest snapshot is never removed, whatever the policy. Objects are removed only when no
// remaining snapshot's manifest names them and they were written before this run started, so an
// object another run (or another host on the same prefix) has just uploaded for a snapshot it has
// not finished is left alone. If any remaining manifest cannot be read (another key, damage),
// no object is removed at all. Snapshot folders that never got a summary are removed once a day
// old. A target that refuses deletes (the cloud stack's bucket grants no DeleteObject and expires
// objects by lifecycle rule instead) makes retention report the error; the backup itself stands.
import type { Logger } from '../core/logger.ts'
import type { BackupKeys } from './backup-key.ts'
import type { BackupTarget } from './backup-target.ts'
import { manifestKey, OBJECTS_PREFIX, objectNameOfKey, SNAPSHOTS_PREFIX } from './backup-layout.ts'
import { listSnapshots } from './list-backups.ts'
import { parseManifest } from './manifest.ts'
import { decodeBytes } from './object-codec.ts'

export interface RetentionPolicy {
  /** Keep at most this many (0 = no limit). */
  keep: number
  /** Remove snapshots older than this (0 = no limit). */
  maxAgeDays: number
}

export interface SnapshotAge {
  id: string
  /** ms since the epoch. */
  createdAt: number
}

const DAY = 86_400_000
const INCOMPLETE_GRACE_MS = DAY

/** Ids to remove under the policy; the newest is always kept. */
export function selectExpired(snapshots: readonly SnapshotAge[], policy: RetentionPolicy, now: number): string[] {
  const newestFirst = [...snapshots].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
  return newestFirst
    .filter((s, index) => {
      if (index === 0) return false
      if (policy.keep > 0 && index >= policy.keep) return true
      return policy.maxAgeDays > 0 && s.createdAt < now - policy.maxAgeDays * DAY
    })
    .map(s => s.id)
}

export interface RetentionOptions {
  target: BackupTarget
  policy: RetentionPolicy
  keys: BackupKeys | null
  now: number
  /** Objects written at or after this time are never removed (this run's start). */
  protectAfter: number
  logger: Logger
}

export interface RetentionResult {
  removedSnapshots: string[]
  removedObjects: number
}

export async function applyRetention(options: RetentionOptions): Promise<RetentionResult> {
  const { target, logger } = options
  const listing = await listSnapshots(target)
  const expired = new Set(
    selectExpired(
      listing.snapshots.map(s => ({ id: s.id, createdAt: Date.parse(s.createdAt) })),
      options.policy,
      options.now,
    ),
  )
  const abandoned = listing.incomplete.filter(s => s.lastModified < options.now - INCOMPLETE_GRACE_MS).map(s => s.id)
  const removing = new Set([...expired, ...abandoned])
  // Keys of the snapshots to remove, the summary last so a half-removed snapshot lists as incomplete.
  for (const id of removing) {
    const keys: string[] = []
    for await (const object of target.list(`${SNAPSHOTS_PREFIX}${id}/`)) keys.push(object.key)
    keys.sort((a, b) => (a.endsWith('summary.json') ? 1 : b.endsWith('summary.json') ? -1 : 0))
    for (const key of keys) await target.delete(key)
  }
  const referenced = new Set<string>()
  for (const summary of listing.snapshots) {
    if (removing.has(summary.id)) continue
    const stored = await target.get(manifestKey(summary.id))
    try {
      if (!stored) throw new Error('manifest missing')
      const manifest = parseManifest(
        new TextDecoder().decode(decodeBytes(stored, summary.encryption ? options.keys : null)),
      )
      for (const file of manifest.files) referenced.add(file.object)
    } catch (e) {
      logger.warn('retention keeps every object: a snapshot manifest cannot be read', {
        snapshot: summary.id,
        error: (e as Error).message,
      })
      return { removedSnapshots: [...removing], removedObjects: 0 }
    }
  }
  let removedObjects = 0
  for await (const object of target.list(OBJECTS_PREFIX)) {
    if (referenced.has(objectNameOfKey(object.key)) || object.lastModified >= options.protectAfter) continue
    await target.delete(object.key)
    removedObjects++
  }
  return { removedSnapshots: [...removing], removedObjects }
}
