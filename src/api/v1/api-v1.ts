// The /api/v1 Hono app: every operation of ./contract bound to its handler, behind a body limit,
// with one error boundary that answers `{error:{code,message,details?}}`.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { type DkimKeySource, noDkimKeys } from '../../domains/dkim-key-source.ts'
import { type ApiTokenRepository, createApiTokenRepository } from '../../storage/repositories/api-tokens.ts'
import type { HttpMountContext } from '../mounts.ts'
import { buildOpenApiDocument } from '../openapi/build-openapi-document.ts'
import { ApiError, errorResponse } from './api-error.ts'
import type { ApiServices } from './api-services.ts'
import { API_TAGS, type ApiOperations, apiOperations } from './contract/index.ts'
import type { OperationSpec } from './operation.ts'
import { type HandlersFor, honoPath, type OperationHandler, registerOperation } from './register-operation.ts'
import { accountHandlers } from './routes/accounts.ts'
import { aliasHandlers } from './routes/aliases.ts'
import { dkimHandlers } from './routes/dkim.ts'
import { dnsHandlers } from './routes/dns.ts'
import { domainHandlers } from './routes/domains.ts'
import { queueHandlers } from './routes/queue.ts'
import { statusHandlers } from './routes/status.ts'
import { tokenHandlers } from './routes/tokens.ts'

export const API_V1_BASE = '/api/v1'

export interface ApiV1Options extends HttpMountContext {
  /** DKIM public keys (delivery's key store); default: none yet. */
  dkimKeys?: DkimKeySource
  /** Default: the api_tokens table of the server's storage. */
  tokens?: ApiTokenRepository
}

export function openApiDocumentFor(version: string) {
  return buildOpenApiDocument(
    apiOperations,
    {
      title: 'mail-server API',
      version,
      description:
        'Manage domains, accounts, aliases, DNS records, the outbound queue and API tokens. ' +
        'Authenticate with `Authorization: Bearer <token>`; create the first token with ' +
        '`mail-server token create --name <name> --scope admin`. Errors are `{"error":{"code","message","details"}}`.',
    },
    API_TAGS,
  )
}

export function createApiV1(options: ApiV1Options): Hono {
  const { deps } = options
  const services: ApiServices = {
    deps,
    probes: options.probes,
    build: options.build,
    startedAt: options.startedAt,
    tokens: options.tokens ?? createApiTokenRepository({ db: deps.storage.db, clock: deps.clock }),
    dkimKeys: options.dkimKeys ?? noDkimKeys,
    openApiDocument: openApiDocumentFor(options.build.version),
  }
  const handlers: HandlersFor<ApiOperations> = {
    ...statusHandlers(services),
    ...domainHandlers(services),
    ...dnsHandlers(services),
    ...accountHandlers(services),
    ...aliasHandlers(services),
    ...queueHandlers(services),
    ...dkimHandlers(services),
    ...tokenHandlers(services),
  }

  const api = new Hono()
  api.use(
    '*',
    bodyLimit({
      maxSize: deps.config.api.maxBodyBytes,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `the request body is larger than ${deps.config.api.maxBodyBytes} bytes`,
        )
      },
    }),
  )
  const methodsByPath = new Map<string, string[]>()
  for (const [id, operation] of Object.entries(apiOperations) as [keyof ApiOperations, OperationSpec][]) {
    registerOperation(api, operation, handlers[id] as OperationHandler<OperationSpec>, services)
    methodsByPath.set(operation.path, [...(methodsByPath.get(operation.path) ?? []), operation.method.toUpperCase()])
  }
  // A known path with another method: 405 with Allow (RFC 9110 §15.5.6), not "no route".
  for (const [path, methods] of methodsByPath) {
    api.all(honoPath(path), () => {
      throw new ApiError(405, 'method_not_allowed', `use ${methods.join(', ')} on ${API_V1_BASE}${path}`, undefined, {
        Allow: methods.join(', '),
      })
    })
  }
  api.onError((err, c) => {
    const response = errorResponse(err)
    if (response.serverFault) {
      deps.logger.error('api request failed', { method: c.req.method, path: c.req.path, error: err })
    }
    return c.json(response.body, response.status, response.headers)
  })
  return api
}
