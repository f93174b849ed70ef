// Bearer-token authentication for /api/v1 (RFC 6750). Missing or bad credentials answer 401 with a
// WWW-Authenticate challenge (§3), a token without the needed scope 403 `insufficient_scope` (§3.1).
import { type ApiTokenScope, scopeGrants } from '../../auth/api-tokens.ts'
import type { ApiTokenRecord, ApiTokenRepository } from '../../storage/repositories/api-tokens.ts'
import { ApiError } from './api-error.ts'

const REALM = 'mail-server'

const challenge = (error?: string, description?: string, scope?: string) => {
  const params = [`realm="${REALM}"`]
  if (error) params.push(`error="${error}"`)
  if (description) params.push(`error_description="${description}"`)
  if (scope) params.push(`scope="${scope}"`)
  return { 'WWW-Authenticate': `Bearer ${params.join(', ')}` }
}

const invalidToken = (code: string, message: string) =>
  new ApiError(401, code, message, undefined, challenge('invalid_token', message))

/** The credentials of an `Authorization` header value, or null when it is not a Bearer one. */
export function bearerCredentials(header: string | undefined): string | null {
  if (header === undefined) return null
  // RFC 7235 §2.1: the scheme is case-insensitive; RFC 6750 §2.1: a space, then the token.
  const trimmed = header.trim()
  const space = trimmed.indexOf(' ')
  if (space < 0 || trimmed.slice(0, space).toLowerCase() !== 'bearer') return null
  const token = trimmed.slice(space + 1).trimStart()
  return token === '' || /\s/.test(token) ? null : token
}

export async function authenticateRequest(
  authorization: string | undefined,
  tokens: ApiTokenRepository,
  required: ApiTokenScope,
): Promise<ApiTokenRecord> {
  if (authorization === undefined || authorization.trim() === '') {
    // §3.1: a request without credentials gets the challenge but no error code.
    throw new ApiError(
      401,
      'unauthorized',
      'this operation needs an API token (Authorization: Bearer <token>)',
      undefined,
      challenge(),
    )
  }
  const token = bearerCredentials(authorization)
  if (token === null) throw invalidToken('invalid_token', 'the Authorization header is not "Bearer <token>"')
  const check = await tokens.verify(token)
  switch (check.status) {
    case 'unknown':
      throw invalidToken('invalid_token', 'the API token is not valid')
    case 'revoked':
      throw invalidToken('token_revoked', 'the API token has been revoked')
    case 'expired':
      throw invalidToken('token_expired', 'the API token has expired')
  }
  if (!scopeGrants(check.record.scopes, required)) {
    throw new ApiError(
      403,
      'insufficient_scope',
      `this operation needs a token with scope "${required}"`,
      { required, granted: check.record.scopes },
      challenge('insufficient_scope', undefined, required),
    )
  }
  return check.record
}
