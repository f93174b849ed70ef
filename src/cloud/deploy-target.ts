// Which instance and bucket a deploy goes to: given explicitly, or read from the stack's outputs
// (InstanceId, ArtifactsBucketName) — the seed hard-coded both.
import type { CloudParameters } from '../../cloud/parameters.ts'
import { MailError } from '../core/errors.ts'
import type { AwsContext } from './aws-context.ts'
import { describeStack } from './cloudformation-api.ts'

export interface DeployTarget {
  instanceId: string
  /** Empty when not needed (rollback, logs). */
  bucket: string
}

const INSTANCE_ID = /^(?:i|mi)-[0-9a-f]{8,17}$/

export async function resolveDeployTarget(
  ctx: AwsContext,
  params: CloudParameters,
  explicitInstance: string | undefined,
  needBucket: boolean,
): Promise<DeployTarget> {
  if (explicitInstance !== undefined && !INSTANCE_ID.test(explicitInstance))
    throw new MailError(
      'syntax',
      `--instance ${explicitInstance}: expected an instance id such as i-0123456789abcdef0`,
      {
        code: 'usage',
      },
    )
  if (explicitInstance && !needBucket) return { instanceId: explicitInstance, bucket: '' }
  if (explicitInstance && params.artifactsBucket)
    return { instanceId: explicitInstance, bucket: params.artifactsBucket }
  const stack = await describeStack(ctx, params.stackName)
  if (!stack)
    throw new MailError(
      'user',
      `stack ${params.stackName} not found in ${params.region}: run \`mail-server cloud deploy\` first, or pass --instance and set artifactsBucket`,
      { code: 'no_stack' },
    )
  const instanceId = explicitInstance ?? stack.outputs.InstanceId
  const bucket = params.artifactsBucket ?? stack.outputs.ArtifactsBucketName ?? ''
  if (!instanceId || (needBucket && !bucket))
    throw new MailError(
      'user',
      `stack ${params.stackName} has no InstanceId/ArtifactsBucketName outputs (status ${stack.status})`,
      {
        code: 'no_stack',
      },
    )
  return { instanceId, bucket }
}
