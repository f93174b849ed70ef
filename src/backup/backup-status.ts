// `backup status` and the API read what the last backup run did from <dataDir>/backup/status.json,
// written by whoever ran it (the CLI or the server's scheduler) — at the start, every few seconds
// while it runs (progress), and at the end. Write-then-rename, so readers never see half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SnapshotStats } from './manifest.ts'

export interface BackupProgress {
  phase: 'database' | 'files' | 'finishing' | 'retention'
  /** Files handled so far and in all (phase files). */
  done: number
  total: number
  bytes: number
}

export interface BackupRun {
  id: string
  target: string
  encrypted: boolean
  /** ISO times. */
  startedAt: string
  finishedAt: string | null
  state: 'running' | 'succeeded' | 'failed'
  error: string | null
  progress: BackupProgress | null
  stats: SnapshotStats | null
  /** Snapshots removed by the retention policy after this run. */
  removedSnapshots: string[]
  /** Process that runs it (a crashed run shows `running` with a dead pid). */
  pid: number
}

export interface BackupStatus {
  lastRun: BackupRun | null
  lastSuccess: BackupRun | null
}

export const backupStateDir = (dataDir: string) => join(dataDir, 'backup')
const statusPath = (dataDir: string) => join(backupStateDir(dataDir), 'status.json')

/** The status for `backup status` and the API; a run whose process is gone is reported as failed. */
export function readBackupStatus(dataDir: string): BackupStatus {
  let status: BackupStatus
  try {
    status = JSON.parse(readFileSync(statusPath(dataDir), 'utf8')) as BackupStatus
  } catch {
    return { lastRun: null, lastSuccess: null }
  }
  const run = status.lastRun
  if (run?.state === 'running' && !processAlive(run.pid))
    status.lastRun = { ...run, state: 'failed', error: run.error ?? 'the backup process ended without finishing' }
  return status
}

export function writeBackupRun(dataDir: string, run: BackupRun): void {
  const previous = readBackupStatus(dataDir)
  const status: BackupStatus = {
    lastRun: run,
    lastSuccess: run.state === 'succeeded' ? run : previous.lastSuccess,
  }
  mkdirSync(backupStateDir(dataDir), { recursive: true })
  const file = statusPath(dataDir)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`)
  renameSync(tmp, file)
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
