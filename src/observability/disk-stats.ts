// Space on the file system holding the data directory (mail.db and the Maildir tree), for /metrics
// and the health monitor. statfs counts blocks available to unprivileged users (bavail), which is
// what the server, running as its own user, can actually write.
import { statfs } from 'node:fs/promises'

export interface DiskStats {
  freeBytes: number
  totalBytes: number
  /** Share of the file system in use, 0–100, as `df` computes it: used / (used + available). */
  usedPercent: number
}

export async function readDiskStats(dir: string): Promise<DiskStats> {
  const s = await statfs(dir)
  const freeBytes = s.bavail * s.bsize
  const totalBytes = s.blocks * s.bsize
  const usedBytes = (s.blocks - s.bfree) * s.bsize
  const usable = usedBytes + freeBytes
  return { freeBytes, totalBytes, usedPercent: usable === 0 ? 0 : (usedBytes / usable) * 100 }
}
