// What /api/v1 handlers work with: the server's deps plus what the HTTP mount provides.
import type { ServerDeps } from '../../core/server-deps.ts'
import type { BuildInfo } from '../../core/version.ts'
import type { DkimKeySource } from '../../domains/dkim-key-source.ts'
import type { ReadinessProbe } from '../../observability/readiness.ts'
import type { ApiTokenRecord, ApiTokenRepository } from '../../storage/repositories/api-tokens.ts'
import type { OpenApiDocument } from '../openapi/build-openapi-document.ts'

export interface ApiServices {
  deps: ServerDeps
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
  tokens: ApiTokenRepository
  dkimKeys: DkimKeySource
  openApiDocument: OpenApiDocument
}

/** Who is calling: the token (null for public operations) and the audit actor `api:<token id>`. */
export interface RequestContext {
  token: ApiTokenRecord | null
  actor: string
}
