// `cloud diff`: what a deploy would change, computed offline from the deployed template
// (GetTemplate) and the synthesized one. Per resource: added, removed or modified with the changed
// property paths, flagged when CloudFormation must replace the resource (its create-only
// properties, from the resource schemas) or stop the instance (UserData).
import type { CfnTemplate, CfnValue } from '../../cloud/cfn-types.ts'

/** createOnlyProperties of the resource types the stack uses: changing one replaces the resource. */
export const REPLACING_PROPERTIES: Record<string, readonly string[]> = {
  'AWS::EC2::Instance': [
    'ImageId',
    'KeyName',
    'AvailabilityZone',
    'SubnetId',
    'SecurityGroups',
    'PrivateIpAddress',
    'NetworkInterfaces',
    'LaunchTemplate',
    'CpuOptions',
    'HibernationOptions',
  ],
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'GroupName', 'VpcId'],
  'AWS::EC2::EIP': ['Domain', 'NetworkBorderGroup'],
  'AWS::EC2::EIPAssociation': ['AllocationId', 'InstanceId', 'NetworkInterfaceId', 'PrivateIpAddress', 'EIP'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName', 'Path'],
  'AWS::S3::Bucket': ['BucketName', 'ObjectLockEnabled'],
  'AWS::S3::BucketPolicy': ['Bucket'],
  'AWS::SES::EmailIdentity': ['EmailIdentity'],
  'AWS::Route53::RecordSet': ['Name', 'HostedZoneId', 'HostedZoneName'],
}

/** Changing these stops and starts the instance (mail is unreachable meanwhile). */
const INTERRUPTING_PROPERTIES: Record<string, readonly string[]> = {
  'AWS::EC2::Instance': ['UserData', 'InstanceType', 'EbsOptimized', 'KernelId', 'RamdiskId'],
}

export type ChangeAction = 'add' | 'remove' | 'modify'

export interface ResourceChange {
  logicalId: string
  type: string
  action: ChangeAction
  /** Changed paths below the resource, e.g. `Properties.SecurityGroupIngress[3].FromPort`. */
  paths: string[]
  replacement: boolean
  interruption: boolean
}

export interface EntryChange {
  name: string
  action: ChangeAction
}

export interface TemplateDiff {
  stackExists: boolean
  resources: ResourceChange[]
  parameters: EntryChange[]
  outputs: EntryChange[]
  hasChanges: boolean
}

const isObject = (v: unknown): v is Record<string, CfnValue> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Paths where two JSON values differ (objects by key, arrays by index). */
export function changedPaths(a: unknown, b: unknown, at = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = []
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...changedPaths(a[i], b[i], `${at}[${i}]`))
    return out
  }
  if (isObject(a) && isObject(b)) {
    const out: string[] = []
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      out.push(...changedPaths(a[k], b[k], at ? `${at}.${k}` : k))
    return out
  }
  return Object.is(a, b) ? [] : [at || '(value)']
}

function entryChanges(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): EntryChange[] {
  const out: EntryChange[] = []
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(name in before)) out.push({ name, action: 'add' })
    else if (!(name in after)) out.push({ name, action: 'remove' })
    else if (changedPaths(before[name], after[name]).length > 0) out.push({ name, action: 'modify' })
  }
  return out
}

const topProperty = (path: string) => /^Properties\.([A-Za-z0-9]+)/.exec(path)?.[1]

export function diffTemplates(deployed: CfnTemplate | null, proposed: CfnTemplate): TemplateDiff {
  const before = deployed?.Resources ?? {}
  const after = proposed.Resources
  const resources: ResourceChange[] = []
  for (const logicalId of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[logicalId]
    const next = after[logicalId]
    if (!old && next)
      resources.push({ logicalId, type: next.Type, action: 'add', paths: [], replacement: false, interruption: false })
    else if (old && !next)
      resources.push({
        logicalId,
        type: old.Type,
        action: 'remove',
        paths: [],
        replacement: false,
        interruption: false,
      })
    else if (old && next) {
      const paths = changedPaths(old, next)
      if (paths.length === 0) continue
      const props = new Set(paths.map(topProperty).filter((p): p is string => p !== undefined))
      const typeChanged = old.Type !== next.Type
      const replacing = REPLACING_PROPERTIES[next.Type] ?? []
      const interrupting = INTERRUPTING_PROPERTIES[next.Type] ?? []
      resources.push({
        logicalId,
        type: next.Type,
        action: 'modify',
        paths,
        replacement: typeChanged || replacing.some(p => props.has(p)),
        interruption: interrupting.some(p => props.has(p)),
      })
    }
  }
  const parameters = entryChanges(deployed?.Parameters, proposed.Parameters)
  const outputs = entryChanges(deployed?.Outputs, proposed.Outputs)
  return {
    stackExists: deployed !== null,
    resources,
    parameters,
    outputs,
    hasChanges: resources.length + parameters.length + outputs.length > 0,
  }
}

const SIGN: Record<ChangeAction, string> = { add: '+', remove: '-', modify: '~' }

export function formatTemplateDiff(diff: TemplateDiff, stackName: string): string {
  if (!diff.stackExists) {
    const lines = diff.resources.map(r => `+ ${r.logicalId} (${r.type})`)
    return `stack ${stackName} does not exist yet; \`cloud deploy\` would create ${diff.resources.length} resources:\n${lines.join('\n')}\n`
  }
  if (!diff.hasChanges) return `stack ${stackName} is up to date: no changes\n`
  const lines: string[] = []
  for (const r of diff.resources) {
    const flags = [r.replacement ? 'REPLACEMENT' : '', r.interruption ? 'instance restart' : ''].filter(Boolean)
    lines.push(`${SIGN[r.action]} ${r.logicalId} (${r.type})${flags.length ? `  [${flags.join(', ')}]` : ''}`)
    const shown = r.paths.slice(0, 10)
    for (const p of shown) lines.push(`    ${p}`)
    if (r.paths.length > shown.length) lines.push(`    … ${r.paths.length - shown.length} more`)
  }
  for (const p of diff.parameters) lines.push(`${SIGN[p.action]} parameter ${p.name}`)
  for (const o of diff.outputs) lines.push(`${SIGN[o.action]} output ${o.name}`)
  const replaced = diff.resources.filter(r => r.replacement).map(r => r.logicalId)
  if (replaced.length > 0)
    lines.push(
      `warning: ${replaced.join(', ')} would be replaced${replaced.includes('MailInstance') ? ' (a new instance: back up the mail first)' : ''}`,
    )
  return `${lines.join('\n')}\n`
}
