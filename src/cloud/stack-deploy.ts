// `cloud deploy`: create or update the stack from the synthesized template and wait for it,
// printing each resource event as it happens.
import type { CfnTemplate } from '../../cloud/cfn-types.ts'
import { IMAGE_PARAMETER } from '../../cloud/mail-stack.ts'
import { type CloudParameters, latestAmiParameter } from '../../cloud/parameters.ts'
import { MailError } from '../core/errors.ts'
import type { AwsContext } from './aws-context.ts'
import {
  createStack,
  describeStack,
  describeStackEvents,
  type StackEvent,
  type StackParameterValue,
  type StackSummary,
  updateStack,
} from './cloudformation-api.ts'
import { getParameter } from './ssm-api.ts'

/** CloudFormation's limit for TemplateBody (larger templates need an S3 TemplateURL). */
export const TEMPLATE_BODY_LIMIT = 51_200

export interface StackDeployDeps {
  ctx: AwsContext
  params: CloudParameters
  progress: (line: string) => void
  pollMs?: number
  /** Polls before giving up waiting (default: one hour at the default interval). */
  maxPolls?: number
}

export interface StackDeployResult {
  action: 'created' | 'updated' | 'unchanged'
  stack: StackSummary
}

const SETTLED_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE'])

/**
 * The AMI: pinned in the parameters, else kept from the running stack (UsePreviousValue: a newer
 * "latest" AMI must not replace the instance on an unrelated update), else resolved now.
 */
async function imageParameter(deps: StackDeployDeps, existing: boolean): Promise<StackParameterValue> {
  if (deps.params.imageId) return { key: IMAGE_PARAMETER, value: deps.params.imageId }
  if (existing) return { key: IMAGE_PARAMETER, usePrevious: true }
  const name = latestAmiParameter(deps.params)
  const value = await getParameter(deps.ctx, name)
  deps.progress(`AMI ${value} (latest from ${name}; kept on later updates)`)
  return { key: IMAGE_PARAMETER, value }
}

export async function deployStack(deps: StackDeployDeps, template: CfnTemplate): Promise<StackDeployResult> {
  const { params, ctx } = deps
  const body = JSON.stringify(template)
  if (body.length > TEMPLATE_BODY_LIMIT)
    throw new MailError(
      'internal',
      `template is ${body.length} bytes; CloudFormation accepts ${TEMPLATE_BODY_LIMIT} inline`,
    )
  const existing = await describeStack(ctx, params.stackName)
  if (existing?.status.endsWith('_IN_PROGRESS'))
    throw new MailError(
      'temporary',
      `stack ${params.stackName} is busy (${existing.status}); try again when it settles`,
      {
        code: 'stack_busy',
      },
    )
  if (existing?.status === 'ROLLBACK_COMPLETE')
    throw new MailError(
      'user',
      `stack ${params.stackName} failed to create (ROLLBACK_COMPLETE): delete it, then deploy again`,
      {
        code: 'stack_failed',
      },
    )
  const change = {
    name: params.stackName,
    templateBody: body,
    parameters: [await imageParameter(deps, existing !== null)],
    // The role and instance profile are unnamed, so CAPABILITY_IAM suffices.
    capabilities: ['CAPABILITY_IAM'],
    tags: { 'mail-server:stack': params.stackName, ...params.tags },
  }
  const seen = new Set<string>()
  if (existing) for (const e of await describeStackEvents(ctx, existing.stackId)) seen.add(e.eventId)
  let stackId: string
  let action: StackDeployResult['action']
  if (existing) {
    const updated = await updateStack(ctx, change)
    if (updated === null) return { action: 'unchanged', stack: existing }
    stackId = updated
    action = 'updated'
  } else {
    stackId = await createStack(ctx, change)
    action = 'created'
  }
  deps.progress(`${action === 'created' ? 'creating' : 'updating'} stack ${params.stackName}`)
  const before = new Set(seen)
  const stack = await waitForStack(deps, stackId, seen)
  if (!SETTLED_OK.has(stack.status)) {
    const failures = (await describeStackEvents(ctx, stackId))
      .filter(e => e.status.endsWith('_FAILED') && !before.has(e.eventId))
      .map(e => `  ${e.logicalId}: ${e.reason ?? e.status}`)
    throw new MailError('user', `stack ${params.stackName} ended in ${stack.status}\n${failures.join('\n')}`, {
      code: 'stack_failed',
    })
  }
  return { action, stack }
}

const formatEvent = (e: StackEvent) =>
  `${e.timestamp}  ${e.status.padEnd(20)} ${e.logicalId} (${e.resourceType})${e.reason ? `: ${e.reason}` : ''}`

/** Polls by stack id (names stop resolving once a failed creation is deleted), printing new events oldest first. */
async function waitForStack(deps: StackDeployDeps, stackId: string, seen: Set<string>): Promise<StackSummary> {
  const pollMs = deps.pollMs ?? 5000
  const maxPolls = deps.maxPolls ?? Math.ceil(3_600_000 / Math.max(pollMs, 1))
  for (let poll = 0; poll < maxPolls; poll++) {
    const stack = await describeStack(deps.ctx, stackId)
    if (!stack) throw new MailError('user', `stack ${stackId} disappeared while waiting`, { code: 'stack_failed' })
    // Events after the status, so the last poll prints the events that settled the stack.
    const events = await describeStackEvents(deps.ctx, stackId)
    for (const e of events.filter(e => !seen.has(e.eventId)).reverse()) {
      seen.add(e.eventId)
      deps.progress(formatEvent(e))
    }
    if (!stack.status.endsWith('_IN_PROGRESS')) return stack
    await deps.ctx.sleep(pollMs)
  }
  throw new MailError('temporary', `stack ${deps.params.stackName} still in progress after ${maxPolls} polls`, {
    code: 'stack_busy',
  })
}
