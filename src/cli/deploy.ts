// `deploy [--binary dist/mail-server] [--rollback] [--instance i-…]` and `deploy logs`: release a
// build to the instance through SSM with automatic roll back (src/cloud/release-deploy.ts).
import os from 'node:os'
import { defineCommand } from 'citty'
import { cloudArgs, cloudSessionInput } from '../cloud/cloud-cli-args.ts'
import { cloudSession } from '../cloud/cloud-session.ts'
import { deployRelease, type RemoteRun, rollbackRelease, tailLogs } from '../cloud/release-deploy.ts'
import { MailError } from '../core/errors.ts'
import { EXIT_FAILURE } from './exit-codes.ts'
import { printJson } from './output.ts'

const host = () => ({ cwd: process.cwd(), env: process.env, homeDir: os.homedir() })
const progress = (line: string) => process.stderr.write(`${line}\n`)

const instanceArg = {
  instance: { type: 'string', description: 'Instance id (default: the stack output InstanceId)' },
} as const

function printRun(run: RemoteRun): void {
  process.stdout.write(run.output.endsWith('\n') || run.output === '' ? run.output : `${run.output}\n`)
  if (run.stderr.trim()) process.stderr.write(run.stderr.endsWith('\n') ? run.stderr : `${run.stderr}\n`)
}

/** The script's verdict as an exit status: only a healthy result is success. */
function failIfUnhealthy(run: RemoteRun, ok: string): void {
  if (run.result === ok) return
  const why =
    run.result === 'rolled-back'
      ? 'the new binary failed its health check; the previous binary was restored and is running'
      : run.result
        ? `remote result: ${run.result}`
        : `the remote script ended without a result (ssm status ${run.status}, exit ${run.responseCode})`
  throw new MailError('user', `deploy to ${run.instanceId} failed: ${why} (ssm command ${run.commandId})`, {
    code: run.result === 'rolled-back' ? 'deploy_rolled_back' : 'deploy_failed',
  })
}

const logs = defineCommand({
  meta: { name: 'logs', description: 'Tail the service journal on the instance (through SSM)' },
  args: {
    ...cloudArgs,
    ...instanceArg,
    lines: { type: 'string', description: 'Number of lines (default 100)' },
  },
  async run({ args }) {
    const { params, ctx } = cloudSession(cloudSessionInput(args, host()))
    const run = await tailLogs({ ctx, params, progress }, Number(args.lines ?? 100), args.instance)
    if (args.json) return printJson(run)
    printRun(run)
    if (run.result !== 'logs') process.exitCode = EXIT_FAILURE
  },
})

export const deployCommand = defineCommand({
  meta: {
    name: 'deploy',
    description: 'Upload the built binary and swap it in on the instance, rolling back when unhealthy',
  },
  args: {
    ...cloudArgs,
    ...instanceArg,
    binary: { type: 'string', description: 'Executable to deploy (default dist/mail-server)' },
    rollback: { type: 'boolean', description: 'Swap the previous binary (mail-server.bak) back in instead' },
  },
  subCommands: { logs },
  async run({ args }) {
    // citty runs this after a subcommand as well; `deploy logs` ends there.
    if (args._[0] === 'logs') return
    const { params, ctx } = cloudSession(cloudSessionInput(args, host()))
    const deps = { ctx, params, progress }
    if (args.rollback) {
      if (args.binary) throw new MailError('syntax', '--rollback takes no --binary', { code: 'usage' })
      const run = await rollbackRelease(deps, args.instance)
      if (args.json) printJson(run)
      else printRun(run)
      return failIfUnhealthy(run, 'rolled-back')
    }
    const run = await deployRelease(deps, args.binary ?? 'dist/mail-server', args.instance)
    if (args.json) printJson(run)
    else printRun(run)
    failIfUnhealthy(run, 'deployed')
    if (!args.json) console.log(`deployed ${run.sha256.slice(0, 12)} to ${run.instanceId}`)
  },
})
