// Parameters plus an AWS context for one CLI invocation. The CLI hands over process.env and the
// home directory; nothing here reads the process environment itself.
import { type CloudParameters, loadCloudParameters } from '../../cloud/parameters.ts'
import { type AwsContext, awsContext } from './aws-context.ts'
import { resolveCredentials } from './aws-credentials.ts'
import { resolveEndpoints } from './aws-endpoints.ts'

export interface CloudSessionInput {
  paramsFile?: string
  overrides: Record<string, unknown>
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  homeDir: string
}

export function cloudParameters(input: CloudSessionInput): CloudParameters {
  return loadCloudParameters({ file: input.paramsFile, cwd: input.cwd, env: input.env, overrides: input.overrides })
}

export function cloudSession(input: CloudSessionInput): { params: CloudParameters; ctx: AwsContext } {
  const params = cloudParameters(input)
  const ctx = awsContext(
    params.region,
    resolveCredentials(input.env, input.homeDir),
    resolveEndpoints(params.region, params.endpoints, input.env),
  )
  return { params, ctx }
}
