// Flags shared by `cloud …` and `deploy …`: where the stack parameters come from, and the few
// that are commonly given on the command line.
import type { ArgsDef } from 'citty'
import type { CloudSessionInput } from './cloud-session.ts'

export const cloudArgs = {
  params: { type: 'string', description: 'Stack parameters TOML file (default ./mail-cloud.toml)' },
  stack: { type: 'string', description: 'Stack name' },
  region: { type: 'string', description: 'AWS region (default: the file, then AWS_REGION)' },
  domain: { type: 'string', description: 'Mail domain' },
  hostname: { type: 'string', description: 'Server host name (default mail.<domain>)' },
  'hosted-zone-id': { type: 'string', description: 'Route53 hosted zone of the domain' },
  'instance-type': { type: 'string', description: 'EC2 instance type (e.g. t3.small)' },
  'key-name': { type: 'string', description: 'EC2 key pair for SSH (optional)' },
  json: { type: 'boolean', description: 'Print machine-readable JSON' },
} as const satisfies ArgsDef

export interface CloudArgValues {
  params?: string
  stack?: string
  region?: string
  domain?: string
  hostname?: string
  'hosted-zone-id'?: string
  'instance-type'?: string
  'key-name'?: string
}

/** The CLI passes its process's cwd, environment and home directory. */
export function cloudSessionInput(
  args: CloudArgValues,
  host: Pick<CloudSessionInput, 'cwd' | 'env' | 'homeDir'>,
): CloudSessionInput {
  return {
    ...host,
    paramsFile: args.params,
    overrides: {
      stackName: args.stack,
      region: args.region,
      domain: args.domain,
      hostname: args.hostname,
      hostedZoneId: args['hosted-zone-id'],
      instanceType: args['instance-type'],
      keyName: args['key-name'],
    },
  }
}
