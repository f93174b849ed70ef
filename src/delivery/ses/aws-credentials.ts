// Where SES credentials come from: the configuration (delivery.ses.accessKeyId/secretAccessKey/
// sessionToken, also settable through AWS_ACCESS_KEY_ID & co., see src/config/env-names.ts) or,
// when none are configured, the EC2 instance role through IMDSv2 (a session token from
// PUT /latest/api/token, then GET /latest/meta-data/iam/security-credentials/<role>). Role
// credentials are temporary: they are refreshed five minutes before their Expiration, and after
// SES said they were rejected.
import type { Clock } from '../../core/clock.ts'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** ms since the epoch; undefined for static keys. */
  expiresAt?: number
}

export interface CredentialProvider {
  get(): Promise<AwsCredentials>
  /** Forget cached credentials (SES rejected them). */
  invalidate(): void
}

export class CredentialsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialsError'
  }
}

export interface CredentialProviderOptions {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** Base URL of the instance metadata service, e.g. http://169.254.169.254 */
  imdsEndpoint: string
  clock: Clock
  timeoutMs: number
  fetch?: typeof fetch
}

/** Refresh role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000
/** IMDSv2 session token lifetime asked for (seconds, at most 21600). */
const IMDS_TOKEN_TTL = 21_600

export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  if (options.accessKeyId !== '') {
    if (options.secretAccessKey === '')
      throw new CredentialsError('delivery.ses.accessKeyId is set but delivery.ses.secretAccessKey is empty')
    const fixed: AwsCredentials = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    }
    return { get: async () => fixed, invalidate() {} }
  }
  const doFetch = options.fetch ?? fetch
  const base = options.imdsEndpoint.replace(/\/+$/, '')
  let cached: AwsCredentials | null = null
  let inFlight: Promise<AwsCredentials> | null = null

  const call = async (path: string, init: RequestInit): Promise<string> => {
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(options.timeoutMs) })
    } catch (e) {
      throw new CredentialsError(`instance metadata service unreachable (${(e as Error).message})`)
    }
    const text = await response.text()
    if (!response.ok) throw new CredentialsError(`instance metadata ${path} answered HTTP ${response.status}`)
    return text
  }

  async function fromImds(): Promise<AwsCredentials> {
    const token = await call('/latest/api/token', {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(IMDS_TOKEN_TTL) },
    })
    const headers = { 'x-aws-ec2-metadata-token': token.trim() }
    const roles = await call('/latest/meta-data/iam/security-credentials/', { headers })
    const role = roles.split('\n')[0]?.trim()
    if (!role) throw new CredentialsError('the instance has no IAM role')
    const body = await call(`/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`, { headers })
    let parsed: { Code?: string; AccessKeyId?: string; SecretAccessKey?: string; Token?: string; Expiration?: string }
    try {
      parsed = JSON.parse(body)
    } catch {
      throw new CredentialsError('instance role credentials are not JSON')
    }
    if ((parsed.Code && parsed.Code !== 'Success') || !parsed.AccessKeyId || !parsed.SecretAccessKey)
      throw new CredentialsError(`instance role credentials unavailable (${parsed.Code ?? 'incomplete'})`)
    const expiresAt = parsed.Expiration ? Date.parse(parsed.Expiration) : Number.NaN
    return {
      accessKeyId: parsed.AccessKeyId,
      secretAccessKey: parsed.SecretAccessKey,
      ...(parsed.Token ? { sessionToken: parsed.Token } : {}),
      expiresAt: Number.isFinite(expiresAt) ? expiresAt : options.clock.now() + 15 * 60_000,
    }
  }

  return {
    async get() {
      if (cached && (cached.expiresAt ?? Number.POSITIVE_INFINITY) - REFRESH_MARGIN_MS > options.clock.now())
        return cached
      inFlight ??= fromImds()
        .then(c => {
          cached = c
          return c
        })
        .finally(() => {
          inFlight = null
        })
      return inFlight
    },
    invalidate() {
      cached = null
    },
  }
}
