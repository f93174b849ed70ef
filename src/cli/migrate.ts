// `migrate`: apply pending database migrations (serve does this at start too) and say what ran.
import { defineCommand } from 'citty'
import { configArgs, jsonArg } from './common-args.ts'
import { withStorage } from './open-storage.ts'
import { printJson } from './output.ts'

export const migrateCommand = defineCommand({
  meta: { name: 'migrate', description: 'Apply pending database migrations' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const applied = await withStorage(args, rawArgs, async storage => [...storage.migrationsApplied])
    if (args.json) printJson({ applied })
    else console.log(applied.length ? `applied ${applied.join(', ')}` : 'database schema is up to date')
  },
})
