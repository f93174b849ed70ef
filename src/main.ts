#!/usr/bin/env bun
// Entry point of the `mail-server` executable (and of `bun run src/main.ts` in development).
import { runCommand, runMain } from 'citty'
import { rootCommand } from './cli/index.ts'
import { describeFailure, printFailure } from './cli/output.ts'

const rawArgs = process.argv.slice(2) // same in the compiled binary and under `bun run` (shared notes §6)

if (rawArgs.length === 0 || rawArgs.some(a => a === '--help' || a === '-h')) {
  // citty prints usage for the (sub)command and exits 0.
  await runMain(rootCommand, { rawArgs })
} else if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
  const { versionLine } = await import('./core/version.ts')
  console.log(versionLine())
} else {
  try {
    await runCommand(rootCommand, { rawArgs })
  } catch (e) {
    const failure = describeFailure(e)
    printFailure(failure, rawArgs.includes('--json'))
    process.exit(failure.exitCode)
  }
}
