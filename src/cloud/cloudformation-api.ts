// The CloudFormation calls the cloud commands make (API version 2010-05-15).
import type { AwsContext } from './aws-context.ts'
import { AwsApiError } from './aws-error.ts'
import { memberList, queryCall } from './query-api.ts'
import { childElement, childText, listItems } from './xml-elements.ts'

export interface StackSummary {
  stackId: string
  name: string
  status: string
  statusReason?: string
  outputs: Record<string, string>
  parameters: Record<string, string>
  lastUpdated?: string
}

export interface StackEvent {
  eventId: string
  timestamp: string
  logicalId: string
  resourceType: string
  status: string
  reason?: string
}

export interface StackParameterValue {
  key: string
  /** Omitted with usePrevious. */
  value?: string
  usePrevious?: boolean
}

const isMissingStack = (e: unknown) =>
  e instanceof AwsApiError && e.awsCode === 'ValidationError' && /does not exist/i.test(e.message)

/** The stack, or null when there is none by that name. */
export async function describeStack(ctx: AwsContext, name: string): Promise<StackSummary | null> {
  let root: Awaited<ReturnType<typeof queryCall>>
  try {
    root = await queryCall(ctx, 'cloudformation', 'DescribeStacks', { StackName: name })
  } catch (e) {
    if (isMissingStack(e)) return null
    throw e
  }
  const stack = listItems(childElement(root, 'DescribeStacksResult'), 'Stacks')[0]
  if (!stack) return null
  const pairs = (list: string, key: string, value: string) =>
    Object.fromEntries(listItems(stack, list).map(m => [childText(m, key) ?? '', childText(m, value) ?? '']))
  return {
    stackId: childText(stack, 'StackId') ?? '',
    name: childText(stack, 'StackName') ?? name,
    status: childText(stack, 'StackStatus') ?? 'UNKNOWN',
    statusReason: childText(stack, 'StackStatusReason'),
    outputs: pairs('Outputs', 'OutputKey', 'OutputValue'),
    parameters: pairs('Parameters', 'ParameterKey', 'ParameterValue'),
    lastUpdated: childText(stack, 'LastUpdatedTime') ?? childText(stack, 'CreationTime'),
  }
}

/** The deployed template text (TemplateStage Original: what was submitted). */
export async function getTemplate(ctx: AwsContext, name: string): Promise<string | null> {
  try {
    const root = await queryCall(ctx, 'cloudformation', 'GetTemplate', { StackName: name, TemplateStage: 'Original' })
    return childText(root, 'GetTemplateResult', 'TemplateBody') ?? null
  } catch (e) {
    if (isMissingStack(e)) return null
    throw e
  }
}

function stackRequest(
  name: string,
  templateBody: string,
  parameters: readonly StackParameterValue[],
  capabilities: readonly string[],
  tags: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {
    StackName: name,
    TemplateBody: templateBody,
    ...memberList('Capabilities', capabilities),
  }
  parameters.forEach((p, i) => {
    out[`Parameters.member.${i + 1}.ParameterKey`] = p.key
    if (p.usePrevious) out[`Parameters.member.${i + 1}.UsePreviousValue`] = 'true'
    else out[`Parameters.member.${i + 1}.ParameterValue`] = p.value ?? ''
  })
  Object.entries(tags).forEach(([k, v], i) => {
    out[`Tags.member.${i + 1}.Key`] = k
    out[`Tags.member.${i + 1}.Value`] = v
  })
  return out
}

export interface StackChange {
  name: string
  templateBody: string
  parameters: StackParameterValue[]
  capabilities: string[]
  tags: Record<string, string>
}

export async function createStack(ctx: AwsContext, change: StackChange): Promise<string> {
  const root = await queryCall(ctx, 'cloudformation', 'CreateStack', {
    ...stackRequest(change.name, change.templateBody, change.parameters, change.capabilities, change.tags),
    // A failed first creation leaves nothing half-built behind.
    OnFailure: 'DELETE',
  })
  return childText(root, 'CreateStackResult', 'StackId') ?? change.name
}

/** The stack id, or null when CloudFormation reports nothing to update. */
export async function updateStack(ctx: AwsContext, change: StackChange): Promise<string | null> {
  try {
    const root = await queryCall(
      ctx,
      'cloudformation',
      'UpdateStack',
      stackRequest(change.name, change.templateBody, change.parameters, change.capabilities, change.tags),
    )
    return childText(root, 'UpdateStackResult', 'StackId') ?? change.name
  } catch (e) {
    if (
      e instanceof AwsApiError &&
      e.awsCode === 'ValidationError' &&
      /no updates are to be performed/i.test(e.message)
    )
      return null
    throw e
  }
}

/** Events, newest first (one page: the most recent 100). */
export async function describeStackEvents(ctx: AwsContext, name: string): Promise<StackEvent[]> {
  const root = await queryCall(ctx, 'cloudformation', 'DescribeStackEvents', { StackName: name })
  return listItems(childElement(root, 'DescribeStackEventsResult'), 'StackEvents').map(m => ({
    eventId: childText(m, 'EventId') ?? '',
    timestamp: childText(m, 'Timestamp') ?? '',
    logicalId: childText(m, 'LogicalResourceId') ?? '',
    resourceType: childText(m, 'ResourceType') ?? '',
    status: childText(m, 'ResourceStatus') ?? '',
    reason: childText(m, 'ResourceStatusReason'),
  }))
}
