// One backup or restore at a time per data directory (the scheduler in `serve` and a `backup
// create` from the CLI would otherwise race, and retention of one could delete objects the other
// just decided to reuse). The lock is a file created with O_EXCL holding the owner's pid and the
// time its process started; a lock whose process is gone (crash, kill -9) — or whose pid now
// belongs to a newer process, as pid 1 in a container after a restart — is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { MailError } from '../core/errors.ts'
import { backupStateDir } from './backup-status.ts'

export interface BackupLock {
  release(): void
}

/** When this process started (ms, to the second). */
const processStart = () => Math.round((Date.now() - process.uptime() * 1000) / 1000) * 1000

function ownerAlive(text: string): number | null {
  const [pidText, startText] = text.trim().split(':')
  const pid = Number(pidText)
  if (!Number.isInteger(pid) || pid <= 0) return null
  if (pid === process.pid) return Math.abs(Number(startText) - processStart()) <= 2000 ? pid : null
  try {
    process.kill(pid, 0)
    return pid
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null
  }
}

export function acquireBackupLock(dataDir: string): BackupLock {
  const dir = backupStateDir(dataDir)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, `${process.pid}:${processStart()}`)
      closeSync(fd)
      return { release: () => rmSync(file, { force: true }) }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let text = ''
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        continue // released meanwhile
      }
      const owner = ownerAlive(text)
      if (owner !== null)
        throw new MailError('temporary', `a backup or restore is already running (pid ${owner})`, {
          code: 'backup_running',
          http: 409,
        })
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new MailError('temporary', 'could not take the backup lock', { code: 'backup_running', http: 409 })
}
