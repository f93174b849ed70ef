// EC2 DescribeInstances (API version 2016-11-15), for `cloud status`.
import type { AwsContext } from './aws-context.ts'
import { queryCall } from './query-api.ts'
import { childText, listItems } from './xml-elements.ts'

export interface InstanceInfo {
  instanceId: string
  state: string
  instanceType?: string
  imageId?: string
  publicIp?: string
  privateIp?: string
  availabilityZone?: string
  launchTime?: string
}

export async function describeInstances(ctx: AwsContext, instanceIds: readonly string[]): Promise<InstanceInfo[]> {
  const params: Record<string, string> = {}
  instanceIds.forEach((id, i) => {
    params[`InstanceId.${i + 1}`] = id
  })
  const root = await queryCall(ctx, 'ec2', 'DescribeInstances', params)
  return listItems(root, 'reservationSet').flatMap(r =>
    listItems(r, 'instancesSet').map(i => ({
      instanceId: childText(i, 'instanceId') ?? '',
      state: childText(i, 'instanceState', 'name') ?? 'unknown',
      instanceType: childText(i, 'instanceType'),
      imageId: childText(i, 'imageId'),
      publicIp: childText(i, 'ipAddress'),
      privateIp: childText(i, 'privateIpAddress'),
      availabilityZone: childText(i, 'placement', 'availabilityZone'),
      launchTime: childText(i, 'launchTime'),
    })),
  )
}
