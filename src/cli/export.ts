// `export <account> <dir> --format maildir|mbox` (issue 9 §4): every mailbox of an account into a
// new or empty directory, keeping flags, keywords, internal dates and folder names.
import { defineCommand } from 'citty'
import { systemClock } from '../core/clock.ts'
import { MailError } from '../core/errors.ts'
import { exportMessages } from '../import-export/exporter.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { formatBytes } from './format-bytes.ts'
import { withStorage } from './open-storage.ts'
import { printJson } from './output.ts'
import { createProgressBar } from './progress-bar.ts'
import { usage } from './usage-error.ts'

export const exportCommand = defineCommand({
  meta: { name: 'export', description: 'Export the mailboxes of an account to Maildir++ or mbox files' },
  args: {
    account: { type: 'positional', required: true, description: 'Account address, e.g. ann@example.org' },
    dir: { type: 'positional', required: true, description: 'Target directory (new or empty)' },
    format: {
      type: 'string',
      default: 'maildir',
      description: 'maildir (Maildir++ tree) or mbox (one file per mailbox)',
    },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const format = args.format
    if (format !== 'maildir' && format !== 'mbox') throw usage(`--format must be maildir or mbox, not "${format}"`)
    const summary = await withStorage(args, rawArgs, async storage => {
      const account = await storage.accounts.get(args.account)
      if (!account) throw new MailError('user', `no account ${args.account}`, { code: 'unknown_account' })
      const bar = createProgressBar({ label: 'export', unit: 'count' })
      try {
        return await exportMessages({
          storage,
          accountId: account.id,
          dir: args.dir,
          format,
          clock: systemClock,
          onProgress: p => bar.update(p.done, p.total),
        })
      } finally {
        bar.done()
      }
    })
    if (args.json) return printJson(summary)
    console.log(
      `exported ${summary.messages} messages (${formatBytes(summary.bytes)}) in ${Object.keys(summary.mailboxes).length} mailboxes to ${summary.dir} as ${summary.format} in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    )
    if (summary.missing.length > 0)
      console.log(`  ${summary.missing.length} messages were expunged while exporting: ${summary.missing.join(', ')}`)
  },
})
