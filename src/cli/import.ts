// `import mbox|maildir <account> <path> [--mailbox X]` (issue 9 §4): messages into an account,
// through the storage layer. Prints a summary; every problem (malformed mbox parts with their
// line numbers, unreadable files) is listed on stderr and the exit code is 1 when there was any,
// while everything readable is imported. Running it again adds only what is missing.
import { defineCommand } from 'citty'
import { systemClock } from '../core/clock.ts'
import { MailError } from '../core/errors.ts'
import type { ImportSource } from '../import-export/import-source.ts'
import { type ImportSummary, importMessages } from '../import-export/importer.ts'
import { openMaildirSource } from '../import-export/maildir-source.ts'
import { openMboxSource } from '../import-export/mbox-source.ts'
import { EXIT_FAILURE } from './exit-codes.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { formatBytes } from './format-bytes.ts'
import { withStorage } from './open-storage.ts'
import { printJson } from './output.ts'
import { createProgressBar } from './progress-bar.ts'

/** Problems printed in full; the rest are counted (all are in --json). */
const SHOWN_PROBLEMS = 50

const importArgs = {
  account: { type: 'positional', required: true, description: 'Account address, e.g. ann@example.org' },
  path: { type: 'positional', required: true, description: 'The source file or directory' },
  mailbox: {
    type: 'string',
    description: 'Mailbox for the top level of the source (default INBOX); its other folders go below it',
  },
  ...configArgs,
  ...jsonArg,
} as const

function printSummary(summary: ImportSummary): void {
  const seconds = summary.elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(summary.imported / seconds) : summary.imported
  console.log(
    `imported ${summary.imported} messages (${formatBytes(summary.bytes)}) from ${summary.source} in ${seconds.toFixed(1)} s (${rate} msg/s)`,
  )
  if (summary.duplicates > 0) console.log(`  ${summary.duplicates} already present, skipped`)
  for (const [name, tally] of Object.entries(summary.mailboxes))
    if (tally.imported + tally.duplicates > 0)
      console.log(`  ${name}: ${tally.imported} imported${tally.duplicates ? `, ${tally.duplicates} skipped` : ''}`)
  if (summary.stoppedBy) console.log(`  stopped early: ${summary.stoppedBy}`)
  if (summary.problems.length > 0) {
    process.stderr.write(`${summary.problems.length} problem(s):\n`)
    for (const p of summary.problems.slice(0, SHOWN_PROBLEMS)) process.stderr.write(`  ${p.origin}: ${p.message}\n`)
    if (summary.problems.length > SHOWN_PROBLEMS)
      process.stderr.write(`  … and ${summary.problems.length - SHOWN_PROBLEMS} more (see --json)\n`)
  }
}

const command = (format: 'mbox' | 'maildir') =>
  defineCommand({
    meta: {
      name: format,
      description:
        format === 'mbox'
          ? 'Import an mbox file (or a directory of them, Thunderbird layout)'
          : 'Import a Maildir or Maildir++ tree (flags, keywords, folders)',
    },
    args: importArgs,
    async run({ args, rawArgs }) {
      const summary = await withStorage(args, rawArgs, async storage => {
        const account = await storage.accounts.get(args.account)
        if (!account) throw new MailError('user', `no account ${args.account}`, { code: 'unknown_account' })
        const source: ImportSource =
          format === 'mbox' ? await openMboxSource(args.path) : await openMaildirSource(args.path)
        const bar = createProgressBar({ label: 'import', unit: source.unit === 'bytes' ? 'bytes' : 'count' })
        try {
          return await importMessages({
            storage,
            accountId: account.id,
            source,
            mailbox: args.mailbox,
            clock: systemClock,
            maxMessageBytes: Number.MAX_SAFE_INTEGER,
            onProgress: p => bar.update(p.done, p.total, `${p.imported} imported`),
          })
        } finally {
          bar.done()
        }
      })
      if (args.json) printJson(summary)
      else printSummary(summary)
      if (summary.problems.length > 0 || summary.stoppedBy) process.exitCode = EXIT_FAILURE
    },
  })

export const importCommand = defineCommand({
  meta: { name: 'import', description: 'Import mail from mbox or Maildir into an account' },
  subCommands: { mbox: command('mbox'), maildir: command('maildir') },
})
