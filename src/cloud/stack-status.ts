// `cloud status`: the stack's state and outputs, and the instance's state from EC2.
import type { CloudParameters } from '../../cloud/parameters.ts'
import type { AwsContext } from './aws-context.ts'
import { describeStack, type StackSummary } from './cloudformation-api.ts'
import { describeInstances, type InstanceInfo } from './ec2-api.ts'

export interface StackStatusReport {
  stackName: string
  region: string
  stack: StackSummary | null
  instance: InstanceInfo | null
}

export async function stackStatus(ctx: AwsContext, params: CloudParameters): Promise<StackStatusReport> {
  const stack = await describeStack(ctx, params.stackName)
  const instanceId = stack?.outputs.InstanceId
  const instance = instanceId ? ((await describeInstances(ctx, [instanceId]))[0] ?? null) : null
  return { stackName: params.stackName, region: params.region, stack, instance }
}

export function formatStackStatus(r: StackStatusReport): string {
  if (!r.stack) return `stack ${r.stackName} does not exist in ${r.region}\n`
  const lines = [
    `stack     ${r.stack.name} (${r.region})`,
    `status    ${r.stack.status}${r.stack.statusReason ? `: ${r.stack.statusReason}` : ''}`,
    `updated   ${r.stack.lastUpdated ?? '-'}`,
  ]
  if (r.instance)
    lines.push(
      `instance  ${r.instance.instanceId} ${r.instance.state} (${r.instance.instanceType ?? '?'}, ${r.instance.availabilityZone ?? '?'}, ip ${r.instance.publicIp ?? '-'})`,
    )
  const outputs = Object.entries(r.stack.outputs)
  if (outputs.length > 0) {
    lines.push('outputs')
    const width = Math.max(...outputs.map(([k]) => k.length))
    for (const [k, v] of outputs) lines.push(`  ${k.padEnd(width)}  ${v}`)
  }
  return `${lines.join('\n')}\n`
}
