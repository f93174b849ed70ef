// One backup run from the configuration: what `backup create`, the scheduler in `serve` and (later)
// the API call. Chooses the target (given or backup.target), loads the key when encryption is
// asked for (--encrypt or backup.encrypt), and runs createBackup with the retention policy.
import type { Config } from '../config/schema.ts'
import type { Clock } from '../core/clock.ts'
import { userError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import { loadBackupKeys } from './backup-key.ts'
import type { BackupProgress } from './backup-status.ts'
import { type BackupResult, createBackup } from './create-backup.ts'
import { chooseTarget, openTarget } from './open-target.ts'

export interface BackupJobOptions {
  config: Config
  logger: Logger
  clock: Clock
  /** `--to`; default backup.target. */
  to?: string
  /** `--encrypt`; backup.encrypt turns it on too. */
  encrypt?: boolean
  onProgress?(progress: BackupProgress): void
  fetch?: typeof fetch
}

export async function runBackupJob(options: BackupJobOptions): Promise<BackupResult> {
  const { config } = options
  const targetText = chooseTarget(options.to, config)
  const encrypt = options.encrypt === true || config.backup.encrypt
  const keys = encrypt ? await loadBackupKeys(config.backup) : null
  if (encrypt && !keys)
    throw userError(
      'encryption needs a key: set backup.encryptionKey (MAIL_BACKUP_ENCRYPTION_KEY) or backup.encryptionKeyFile; `mail-server backup keygen` makes one',
      { code: 'backup_key_required' },
    )
  const target = openTarget(targetText, { config, clock: options.clock, fetch: options.fetch })
  return createBackup({
    dataDir: config.dataDir,
    target,
    keys,
    clock: options.clock,
    logger: options.logger,
    hostname: config.hostname,
    concurrency: config.backup.concurrency,
    refreshObjectsAfterDays: config.backup.refreshObjectsAfterDays,
    retention: { keep: config.backup.keep, maxAgeDays: config.backup.maxAgeDays },
    onProgress: options.onProgress,
  })
}
