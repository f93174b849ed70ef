// Everything an AWS call needs, passed down explicitly (no global SDK state): region,
// credentials, endpoints, and the sleep used between polls (tests pass a fast one).
import { AwsClient } from 'aws4fetch'
import type { AwsCredentials } from './aws-credentials.ts'
import type { AwsEndpoints, AwsService } from './aws-endpoints.ts'

export interface AwsContext {
  region: string
  credentials: AwsCredentials
  endpoints: AwsEndpoints
  /** Retries of 5xx/429/network errors inside one call (aws4fetch's exponential back-off). */
  retries: number
  sleep: (ms: number) => Promise<void>
}

export function awsContext(
  region: string,
  credentials: AwsCredentials,
  endpoints: AwsEndpoints,
  options: Partial<Pick<AwsContext, 'retries' | 'sleep'>> = {},
): AwsContext {
  return { region, credentials, endpoints, retries: options.retries ?? 3, sleep: options.sleep ?? Bun.sleep }
}

/** A SigV4 signer for one service, with the service and region named explicitly (endpoints may be loopback). */
export function awsSigner(ctx: AwsContext, service: AwsService): AwsClient {
  return new AwsClient({ ...ctx.credentials, service, region: ctx.region, retries: ctx.retries })
}
