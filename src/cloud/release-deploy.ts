// `mail-server deploy`: upload the built binary to the stack's release prefix, run the generated
// swap script on the instance through SSM, and report what happened. A release that passes the
// health check is promoted to the "current" key, which a replacement instance installs at first boot.
import { LOG_DIR } from '../../cloud/logrotate.ts'
import { type CloudParameters, derivedNames, instanceArchitecture } from '../../cloud/parameters.ts'
import { MailError } from '../core/errors.ts'
import type { AwsContext } from './aws-context.ts'
import { resolveDeployTarget } from './deploy-target.ts'
import { assertRunsOn } from './executable-check.ts'
import {
  parseRemoteResult,
  type RemoteAction,
  type RemoteLayout,
  type RemoteResult,
  renderRemoteScript,
  withoutResultMarker,
} from './remote-script.ts'
import { copyObject, presignGet, putObject } from './s3-api.ts'
import { sendShellCommand, waitForCommand } from './ssm-api.ts'

export interface ReleaseDeps {
  ctx: AwsContext
  params: CloudParameters
  /** Progress lines for the operator (stderr in the CLI). */
  progress: (line: string) => void
  /** Between GetCommandInvocation polls. */
  pollMs?: number
}

export interface RemoteRun {
  instanceId: string
  commandId: string
  /** SSM status: Success, Failed, TimedOut, … */
  status: string
  responseCode: number
  result?: RemoteResult
  /** Script output without the result marker. */
  output: string
  stderr: string
}

export interface ReleaseRun extends RemoteRun {
  bucket: string
  key: string
  sha256: string
  promoted: boolean
}

/** Presigned download links live long enough for a slow instance, not for reuse. */
export const DOWNLOAD_URL_SECONDS = 900

export function remoteLayout(params: CloudParameters): RemoteLayout {
  const { install } = params
  return {
    binaryPath: derivedNames(params).binaryPath,
    service: install.service,
    binaryOwner: install.binaryOwner,
    healthUrl: install.healthUrl,
    healthAttempts: install.healthAttempts,
    healthIntervalSeconds: install.healthIntervalSeconds,
    logFile: install.deployLog || `${LOG_DIR}/deploy.log`,
  }
}

async function runRemote(deps: ReleaseDeps, instanceId: string, action: RemoteAction): Promise<RemoteRun> {
  const layout = remoteLayout(deps.params)
  const script = renderRemoteScript(layout, action)
  // Two health-check rounds (new binary, then the backup) plus the download.
  const executionTimeoutSeconds = Math.ceil(2 * layout.healthAttempts * (2 * layout.healthIntervalSeconds + 5) + 900)
  const commandId = await sendShellCommand(deps.ctx, {
    instanceId,
    commands: script.replace(/\n$/, '').split('\n'),
    comment: `mail-server deploy ${action.kind}`,
    executionTimeoutSeconds,
  })
  deps.progress(`ssm command ${commandId} sent to ${instanceId}; waiting for it to finish`)
  const pollMs = deps.pollMs ?? 2000
  const inv = await waitForCommand(deps.ctx, commandId, instanceId, {
    pollMs,
    maxPolls: Math.ceil(((executionTimeoutSeconds + 120) * 1000) / Math.max(pollMs, 1)),
  })
  return {
    instanceId,
    commandId,
    status: inv.status,
    responseCode: inv.responseCode,
    result: parseRemoteResult(inv.stdout),
    output: withoutResultMarker(inv.stdout),
    stderr: inv.stderr,
  }
}

export async function deployRelease(deps: ReleaseDeps, binaryPath: string, instance?: string): Promise<ReleaseRun> {
  const file = Bun.file(binaryPath)
  if (!(await file.exists()))
    throw new MailError('user', `${binaryPath} not found: build it first (bun run build --target linux-x64)`, {
      code: 'bad_binary',
    })
  const body = await file.bytes()
  assertRunsOn(body.subarray(0, 64), instanceArchitecture(deps.params.instanceType), binaryPath)
  const sha256 = new Bun.CryptoHasher('sha256').update(body).digest('hex')
  const target = await resolveDeployTarget(deps.ctx, deps.params, instance, true)
  const names = derivedNames(deps.params)
  const key = `${names.releaseKey}-${sha256.slice(0, 12)}`
  deps.progress(
    `uploading ${binaryPath} (${(body.byteLength / 2 ** 20).toFixed(1)} MiB) to s3://${target.bucket}/${key}`,
  )
  const put = await putObject(deps.ctx, target.bucket, key, body, sha256)
  const url = await presignGet(deps.ctx, target.bucket, key, DOWNLOAD_URL_SECONDS, put.versionId)
  const run = await runRemote(deps, target.instanceId, { kind: 'deploy', url, sha256, release: sha256.slice(0, 12) })
  let promoted = false
  if (run.result === 'deployed') {
    await copyObject(deps.ctx, target.bucket, key, names.releaseKey)
    promoted = true
    deps.progress(`promoted s3://${target.bucket}/${key} to ${names.releaseKey}`)
  }
  return { ...run, bucket: target.bucket, key, sha256, promoted }
}

export async function rollbackRelease(deps: ReleaseDeps, instance?: string): Promise<RemoteRun> {
  const target = await resolveDeployTarget(deps.ctx, deps.params, instance, false)
  return runRemote(deps, target.instanceId, { kind: 'rollback' })
}

export async function tailLogs(deps: ReleaseDeps, lines: number, instance?: string): Promise<RemoteRun> {
  if (!Number.isInteger(lines) || lines < 1 || lines > 10_000)
    throw new MailError('syntax', `--lines ${lines}: expected 1 to 10000`, { code: 'usage' })
  const target = await resolveDeployTarget(deps.ctx, deps.params, instance, false)
  return runRemote(deps, target.instanceId, { kind: 'logs', lines })
}
