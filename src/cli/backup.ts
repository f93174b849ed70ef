// `backup create|list|restore|status|keygen` (issue 9 §3). The work is in src/backup; this file
// parses, shows progress on a terminal and prints results.
//
// Targets: `--to`/`--from` s3://bucket/prefix or a directory; default backup.target. S3 settings
// and credentials come from backup.s3.* (else the SES/AWS_* credentials, else the instance role).
// Encryption: `--encrypt` or backup.encrypt, with the key in backup.encryptionKey
// (MAIL_BACKUP_ENCRYPTION_KEY) or backup.encryptionKeyFile; `backup keygen` prints a new key.
import { defineCommand } from 'citty'
import { runBackupJob } from '../backup/backup-job.ts'
import { generateBackupKey, loadBackupKeys } from '../backup/backup-key.ts'
import { readBackupStatus } from '../backup/backup-status.ts'
import { listSnapshots } from '../backup/list-backups.ts'
import { chooseTarget, openTarget } from '../backup/open-target.ts'
import { restoreBackup } from '../backup/restore-backup.ts'
import { systemClock } from '../core/clock.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { loadCliContext } from './context.ts'
import { formatBytes } from './format-bytes.ts'
import { printJson, printTable } from './output.ts'
import { createProgressBar } from './progress-bar.ts'

/** CLI logging stays quiet (warnings only) unless asked for: the command prints its own result. */
async function quietContext(args: Parameters<typeof loadCliContext>[0], rawArgs: readonly string[]) {
  const context = await loadCliContext(args, rawArgs)
  if (context.logger.level === 'debug' || context.logger.level === 'info') context.logger.setLevel('warn')
  return context
}

const create = defineCommand({
  meta: { name: 'create', description: 'Back up the database and mail to S3 or a directory (safe while serving)' },
  args: {
    to: { type: 'string', description: 'Target: s3://bucket/prefix or a directory (default backup.target)' },
    encrypt: { type: 'boolean', description: 'Encrypt with AES-256-GCM (key: backup.encryptionKey or its file)' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const { config, logger } = await quietContext(args, rawArgs)
    const bar = createProgressBar({ label: 'backup', unit: 'count' })
    let result: Awaited<ReturnType<typeof runBackupJob>>
    try {
      result = await runBackupJob({
        config,
        logger,
        clock: systemClock,
        to: args.to,
        encrypt: args.encrypt,
        onProgress: p =>
          p.phase === 'files' ? bar.update(p.done, p.total, formatBytes(p.bytes)) : bar.update(0, 1, p.phase),
      })
    } finally {
      bar.done()
    }
    const { summary } = result
    if (args.json) return printJson(result)
    const s = summary.stats
    console.log(`backup ${summary.id} written to ${chooseTarget(args.to, config)}`)
    console.log(
      `  ${s.files} files (${formatBytes(s.bytes)}), database ${formatBytes(summary.database.size)}; ` +
        `uploaded ${s.uploaded} objects (${formatBytes(s.uploadedBytes)} stored), ${s.reused} unchanged`,
    )
    if (s.missing > 0) console.log(`  ${s.missing} messages were expunged while the backup ran (left out)`)
    if (summary.encryption) console.log(`  encrypted with key ${summary.encryption.keyId}`)
    if (result.removedSnapshots.length > 0)
      console.log(`  retention removed ${result.removedSnapshots.join(', ')} (${result.removedObjects} objects)`)
    if (result.retentionError) console.log(`  retention failed: ${result.retentionError}`)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List the snapshots in a target, newest first' },
  args: {
    from: { type: 'string', description: 'Target: s3://bucket/prefix or a directory (default backup.target)' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const { config } = await quietContext(args, rawArgs)
    const target = openTarget(chooseTarget(args.from, config), { config, clock: systemClock })
    const { snapshots, incomplete } = await listSnapshots(target)
    if (args.json) return printJson({ target: target.url, snapshots, incomplete: incomplete.map(i => i.id) })
    printTable(
      snapshots.map(s => ({
        id: s.id,
        created: s.createdAt,
        files: s.stats.files,
        size: formatBytes(s.stats.bytes + s.database.size),
        uploaded: formatBytes(s.stats.uploadedBytes + s.database.storedSize),
        encrypted: s.encryption ? s.encryption.keyId : 'no',
        host: s.hostname,
      })),
      ['id', 'created', 'files', 'size', 'uploaded', 'encrypted', 'host'],
      `no snapshots in ${target.url}`,
    )
    if (incomplete.length > 0) console.log(`${incomplete.length} unfinished snapshot(s) (removed by retention)`)
  },
})

const restore = defineCommand({
  meta: {
    name: 'restore',
    description: 'Restore a snapshot into the data directory (refuses to replace data without --force)',
  },
  args: {
    id: { type: 'positional', required: true, description: 'Snapshot id from `backup list`, or latest' },
    from: { type: 'string', description: 'Target: s3://bucket/prefix or a directory (default backup.target)' },
    force: {
      type: 'boolean',
      description: 'Replace existing data (moved aside into <data-dir>/pre-restore-<time>/, not deleted)',
    },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const { config, logger } = await quietContext(args, rawArgs)
    const target = openTarget(chooseTarget(args.from, config), { config, clock: systemClock })
    const keys = await loadBackupKeys(config.backup)
    const bar = createProgressBar({ label: 'restore', unit: 'count' })
    let result: Awaited<ReturnType<typeof restoreBackup>>
    try {
      result = await restoreBackup({
        dataDir: config.dataDir,
        target,
        id: args.id,
        keys,
        clock: systemClock,
        logger,
        concurrency: config.backup.concurrency,
        force: Boolean(args.force),
        onProgress: p =>
          p.phase === 'files' ? bar.update(p.done, p.total, formatBytes(p.bytes)) : bar.update(0, 1, p.phase),
      })
    } finally {
      bar.done()
    }
    if (args.json) return printJson(result)
    console.log(`restored ${result.summary.id} (taken ${result.summary.createdAt}) into ${config.dataDir}`)
    console.log(`  ${result.files} files (${formatBytes(result.bytes)}) and the database, every checksum verified`)
    if (result.reconcile.dropped > 0)
      console.log(`  ${result.reconcile.dropped} index entries without a file dropped (expunged during the backup)`)
    if (result.previousData)
      console.log(`  the data it replaced is in ${result.previousData}; remove it when satisfied`)
  },
})

const status = defineCommand({
  meta: { name: 'status', description: 'Show the last backup run and the last successful one' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const { config } = await quietContext(args, rawArgs)
    const current = readBackupStatus(config.dataDir)
    if (args.json) return printJson(current)
    if (!current.lastRun) {
      console.log('no backup has run from this data directory')
      return
    }
    const run = current.lastRun
    console.log(`last run: ${run.id} → ${run.target}: ${run.state}`)
    console.log(`  started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`)
    if (run.state === 'running' && run.progress)
      console.log(`  ${run.progress.phase}: ${run.progress.done}/${run.progress.total} files`)
    if (run.stats)
      console.log(
        `  ${run.stats.files} files (${formatBytes(run.stats.bytes)}), uploaded ${run.stats.uploaded} objects, ${run.stats.reused} unchanged`,
      )
    if (run.error) console.log(`  error: ${run.error}`)
    if (current.lastSuccess && current.lastSuccess.id !== run.id)
      console.log(`last success: ${current.lastSuccess.id} at ${current.lastSuccess.finishedAt}`)
  },
})

const keygen = defineCommand({
  meta: { name: 'keygen', description: 'Print a new backup encryption key (for backup.encryptionKey or its file)' },
  args: { ...jsonArg },
  run({ args }) {
    const key = generateBackupKey()
    if (args.json) printJson({ key })
    else console.log(key)
  },
})

export const backupCommand = defineCommand({
  meta: { name: 'backup', description: 'Back up and restore the data directory (S3 or a directory)' },
  subCommands: { create, list, restore, status, keygen },
})
