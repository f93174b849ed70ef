// Systems Manager calls (JSON 1.1 protocol): Run Command for deploys and log tails, and public
// parameters for the latest AMI id.
import { MailError } from '../core/errors.ts'
import { type AwsContext, awsSigner } from './aws-context.ts'
import { AwsApiError, throwIfFailed } from './aws-error.ts'

async function ssmCall<T>(ctx: AwsContext, operation: string, payload: unknown): Promise<T> {
  const res = await awsSigner(ctx, 'ssm').fetch(`${ctx.endpoints.ssm}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(payload),
  })
  await throwIfFailed('ssm', operation, res)
  return (await res.json()) as T
}

export interface SendShellCommand {
  instanceId: string
  /** Lines of the shell script (AWS-RunShellScript runs them as one script). */
  commands: string[]
  comment: string
  /** Seconds the script may run on the instance. */
  executionTimeoutSeconds: number
}

export async function sendShellCommand(ctx: AwsContext, command: SendShellCommand): Promise<string> {
  const out = await ssmCall<{ Command?: { CommandId?: string } }>(ctx, 'SendCommand', {
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [command.instanceId],
    Comment: command.comment.slice(0, 100),
    Parameters: { commands: command.commands, executionTimeout: [String(command.executionTimeoutSeconds)] },
    // Seconds the command may wait for an unreachable instance before it is given up.
    TimeoutSeconds: 600,
  })
  const id = out.Command?.CommandId
  if (!id) throw new AwsApiError('ssm', 'SendCommand', 200, 'InvalidResponse', 'no CommandId in the answer')
  return id
}

export interface CommandInvocation {
  status: string
  responseCode: number
  stdout: string
  stderr: string
}

/** States after which GetCommandInvocation will not change any more. */
export const FINAL_STATUSES = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut', 'Undeliverable', 'Terminated'])

export async function getCommandInvocation(
  ctx: AwsContext,
  commandId: string,
  instanceId: string,
): Promise<CommandInvocation> {
  const out = await ssmCall<Record<string, unknown>>(ctx, 'GetCommandInvocation', {
    CommandId: commandId,
    InstanceId: instanceId,
  })
  return {
    status: String(out.Status ?? 'Pending'),
    responseCode: Number(out.ResponseCode ?? -1),
    stdout: String(out.StandardOutputContent ?? ''),
    stderr: String(out.StandardErrorContent ?? ''),
  }
}

export interface WaitOptions {
  pollMs: number
  /** Polls before giving up (the instance keeps running the script). */
  maxPolls: number
}

/** Polls until the invocation is final. Right after SendCommand the invocation may not exist yet. */
export async function waitForCommand(
  ctx: AwsContext,
  commandId: string,
  instanceId: string,
  options: WaitOptions,
): Promise<CommandInvocation> {
  for (let poll = 0; poll < options.maxPolls; poll++) {
    try {
      const inv = await getCommandInvocation(ctx, commandId, instanceId)
      if (FINAL_STATUSES.has(inv.status)) return inv
    } catch (e) {
      if (!(e instanceof AwsApiError && e.awsCode === 'InvocationDoesNotExist')) throw e
    }
    await ctx.sleep(options.pollMs)
  }
  throw new MailError(
    'temporary',
    `command ${commandId} still running on ${instanceId} after ${options.maxPolls} polls; check with \`aws ssm get-command-invocation\``,
    { code: 'ssm_timeout' },
  )
}

export async function getParameter(ctx: AwsContext, name: string): Promise<string> {
  const out = await ssmCall<{ Parameter?: { Value?: string } }>(ctx, 'GetParameter', { Name: name })
  const value = out.Parameter?.Value
  if (!value) throw new AwsApiError('ssm', 'GetParameter', 200, 'InvalidResponse', `no value for ${name}`)
  return value
}
