// Where each AWS API is reached. Overridable per service (tests point them at loopback stubs;
// LocalStack works the same way), in the AWS SDKs' order: explicit setting, then
// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the public regional endpoint.
export type AwsService = 'cloudformation' | 'ec2' | 'ssm' | 's3'

export const AWS_SERVICES: readonly AwsService[] = ['cloudformation', 'ec2', 'ssm', 's3']

export type AwsEndpoints = Record<AwsService, string>

export function resolveEndpoints(
  region: string,
  explicit: Partial<Record<AwsService, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): AwsEndpoints {
  const out = {} as AwsEndpoints
  for (const service of AWS_SERVICES) {
    const chosen = explicit[service] || env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL
    out[service] = (chosen || `https://${service}.${region}.amazonaws.com`).replace(/\/+$/, '')
  }
  return out
}

/** True for AWS's own endpoints (virtual-hosted S3 URLs); false for overrides (path-style). */
export const isAwsEndpoint = (url: string): boolean => /^https:\/\/[^/]*\.amazonaws\.com(?:\.cn)?$/.test(url)
