// Scheduled backups in `serve` (backup.intervalHours > 0 with a backup.target): the first run comes
// one interval after the last successful one (from <dataDir>/backup/status.json, so restarts do
// not reset the rhythm), and not sooner than a minute after start; a failed run is retried after
// an hour (or the interval, if shorter). Runs go through runBackupJob, like `backup create`, and
// take the same lock, so a CLI backup at the same moment makes the scheduled one fail and retry.
import type { Service } from '../core/lifecycle.ts'
import type { ServerDeps } from '../core/server-deps.ts'
import { errorMessage } from '../core/errors.ts'
import { runBackupJob } from './backup-job.ts'
import { readBackupStatus } from './backup-status.ts'

const HOUR = 3_600_000
const START_DELAY_MS = 60_000
/** setTimeout holds at most 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** When the next backup is due (ms), given the last success (ms or null). */
export function nextBackupAt(
  lastSuccess: number | null,
  intervalMs: number,
  now: number,
  startDelayMs: number,
): number {
  const earliest = now + startDelayMs
  if (lastSuccess === null) return earliest
  return Math.max(lastSuccess + intervalMs, earliest)
}

export interface BackupSchedulerOptions {
  /** Delay before the first run at the earliest (default one minute). */
  startDelayMs?: number
  /** Told after every run (tests wait on it). */
  onRun?(outcome: { ok: true; id: string } | { ok: false; error: string }): void
}

export function createBackupSchedulerService(deps: ServerDeps, options: BackupSchedulerOptions = {}): Service {
  const settings = deps.config.backup
  const logger = deps.logger.child({ component: 'backup' })
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<void> | null = null
  let stopped = false

  const schedule = (at: number) => {
    if (stopped) return
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at - deps.clock.now()))
    timer = setTimeout(() => {
      timer = null
      if (deps.clock.now() < at) schedule(at)
      else running = run()
    }, wait)
    timer.unref?.()
  }

  const run = async () => {
    const intervalMs = settings.intervalHours * HOUR
    try {
      const result = await runBackupJob({ config: deps.config, logger, clock: deps.clock })
      options.onRun?.({ ok: true, id: result.summary.id })
      schedule(deps.clock.now() + intervalMs)
    } catch (e) {
      logger.error('scheduled backup failed', { error: errorMessage(e) })
      options.onRun?.({ ok: false, error: errorMessage(e) })
      schedule(deps.clock.now() + Math.min(intervalMs, HOUR))
    } finally {
      running = null
    }
  }

  return {
    name: 'backup-scheduler',
    start() {
      if (settings.intervalHours <= 0) return
      if (settings.target === '') {
        logger.warn('backup.intervalHours is set but backup.target is empty: no scheduled backups')
        return
      }
      const last = readBackupStatus(deps.config.dataDir).lastSuccess?.finishedAt
      const at = nextBackupAt(
        last ? Date.parse(last) : null,
        settings.intervalHours * HOUR,
        deps.clock.now(),
        options.startDelayMs ?? START_DELAY_MS,
      )
      logger.info('scheduled backups on', {
        target: settings.target,
        intervalHours: settings.intervalHours,
        next: new Date(at).toISOString(),
      })
      schedule(at)
    },
    async stop(graceMs) {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      // A run in progress finishes within the grace period or is abandoned (its lock and status
      // say so; the next run starts over).
      if (running) await Promise.race([running, Bun.sleep(graceMs)])
    },
  }
}
