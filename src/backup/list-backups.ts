// The snapshots in a target, newest first, from their summaries (no key needed). Snapshot folders
// without a summary are runs that never finished; retention removes them.
import type { BackupTarget } from './backup-target.ts'
import { unknownSnapshot } from './backup-errors.ts'
import { SNAPSHOTS_PREFIX, snapshotIdOfKey, summaryKey } from './backup-layout.ts'
import { parseSummary, type SnapshotSummary } from './manifest.ts'

export interface SnapshotListing {
  snapshots: SnapshotSummary[]
  /** Ids with objects but no summary, and the newest modification time of their keys. */
  incomplete: Array<{ id: string; lastModified: number }>
}

export async function listSnapshots(target: BackupTarget): Promise<SnapshotListing> {
  const seen = new Map<string, { summary: boolean; lastModified: number }>()
  for await (const object of target.list(SNAPSHOTS_PREFIX)) {
    const id = snapshotIdOfKey(object.key)
    if (!id) continue
    const entry = seen.get(id) ?? { summary: false, lastModified: 0 }
    if (object.key === summaryKey(id)) entry.summary = true
    entry.lastModified = Math.max(entry.lastModified, object.lastModified)
    seen.set(id, entry)
  }
  const snapshots: SnapshotSummary[] = []
  const incomplete: SnapshotListing['incomplete'] = []
  for (const [id, entry] of seen) {
    if (!entry.summary) {
      incomplete.push({ id, lastModified: entry.lastModified })
      continue
    }
    const bytes = await target.get(summaryKey(id))
    if (bytes) snapshots.push(parseSummary(new TextDecoder().decode(bytes)))
  }
  snapshots.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
  return { snapshots, incomplete }
}

/** A snapshot by id, or the newest for `latest`. */
export async function findSnapshot(target: BackupTarget, id: string): Promise<SnapshotSummary> {
  if (id === 'latest') {
    const newest = (await listSnapshots(target)).snapshots[0]
    if (!newest) throw unknownSnapshot(id, target.url)
    return newest
  }
  const bytes = await target.get(summaryKey(id))
  if (!bytes) throw unknownSnapshot(id, target.url)
  return parseSummary(new TextDecoder().decode(bytes))
}
