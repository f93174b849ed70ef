// Runs every bench/*.ts script (except this one) in turn; each prints one result line.
import fs from 'node:fs'
import path from 'node:path'

const only = process.argv[2]
for (const file of fs.readdirSync(import.meta.dir).sort()) {
  if (!file.endsWith('.ts') || file === 'run.ts') continue
  if (only && !file.startsWith(only)) continue
  const proc = Bun.spawn([process.execPath, 'run', path.join(import.meta.dir, file)], {
    stdout: 'inherit',
    stderr: 'inherit',
  })
  if ((await proc.exited) !== 0) process.exitCode = 1
}
