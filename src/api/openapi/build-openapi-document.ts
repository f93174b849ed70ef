// The OpenAPI 3.1 document of /api/v1, built from the same operation objects (and zod schemas)
// that route and validate requests, so every route is described and every description is what the
// server enforces. Served at /api/v1/openapi.json; the SDK test checks it against the client.
import type { ErrorStatus, OperationSpec } from '../v1/operation.ts'
import { errorBodySchema } from '../v1/contract/common.ts'
import { type JsonSchema, objectProperties, toJsonSchema } from './json-schema.ts'

export interface OpenApiInfo {
  title: string
  version: string
  description?: string
}

export interface OpenApiOperation {
  operationId: string
  summary: string
  description?: string
  tags: string[]
  security: Array<Record<string, string[]>>
  parameters?: JsonSchema[]
  requestBody?: JsonSchema
  responses: Record<string, JsonSchema>
  'x-required-scope'?: string
}

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: OpenApiInfo
  servers: Array<{ url: string; description?: string }>
  tags: ReadonlyArray<{ name: string; description: string }>
  security: Array<Record<string, string[]>>
  paths: Record<string, Record<string, OpenApiOperation>>
  components: {
    schemas: Record<string, JsonSchema>
    responses: Record<string, JsonSchema>
    securitySchemes: Record<string, JsonSchema>
  }
}

export const BEARER_SCHEME = 'bearerAuth'

/** Error statuses and the shared response object describing each. */
const ERROR_RESPONSES: Record<ErrorStatus | 401 | 403, { ref: string; description: string }> = {
  400: { ref: 'BadRequest', description: 'Invalid JSON, unknown or invalid fields (`invalid_request`, …)' },
  401: {
    ref: 'Unauthorized',
    description: 'No bearer token, or an unknown, revoked or expired one (RFC 6750 §3.1 invalid_token)',
  },
  403: { ref: 'Forbidden', description: 'The token lacks the scope this operation needs (`insufficient_scope`)' },
  404: { ref: 'NotFound', description: 'No such resource' },
  409: { ref: 'Conflict', description: 'Conflicts with existing data (duplicate, still in use)' },
  413: { ref: 'PayloadTooLarge', description: 'The request body is larger than api.maxBodyBytes' },
  415: { ref: 'UnsupportedMediaType', description: 'The request body is not application/json' },
  503: { ref: 'ServiceUnavailable', description: 'Temporarily unavailable; retry later' },
}

const errorResponse = (description: string): JsonSchema => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function describeOperation(op: OperationSpec): OpenApiOperation {
  const parameters: JsonSchema[] = []
  if (op.params) {
    for (const p of objectProperties(op.params)) {
      parameters.push({ name: p.name, in: 'path', required: true, description: p.description, schema: p.schema })
    }
  }
  if (op.query) {
    for (const p of objectProperties(op.query)) {
      parameters.push({ name: p.name, in: 'query', required: p.required, description: p.description, schema: p.schema })
    }
  }
  const responses: Record<string, JsonSchema> = {}
  responses[String(op.status)] =
    op.status === 204 || !op.response
      ? { description: 'Done; no content' }
      : {
          description: op.status === 201 ? 'Created' : 'OK',
          content: { 'application/json': { schema: toJsonSchema(op.response, 'output') } },
        }
  const errors = new Set<ErrorStatus | 401 | 403>(op.errors)
  if (op.scope !== 'public') {
    errors.add(401)
    errors.add(403)
  }
  for (const status of [...errors].sort((a, b) => a - b)) {
    responses[String(status)] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].ref}` }
  }
  responses.default = { $ref: '#/components/responses/Error' }
  const scopeNote =
    op.scope === 'public'
      ? 'No token needed.'
      : `Needs a bearer token with scope \`${op.scope}\`${op.scope === 'admin' ? '' : ' or a wider one'}.`
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description ? `${op.description}\n\n${scopeNote}` : scopeNote,
    tags: [op.tag],
    // OAS 3.1 §4.8.30: for non-OAuth schemes the array may list the roles required.
    security: op.scope === 'public' ? [] : [{ [BEARER_SCHEME]: [op.scope] }],
    ...(op.scope === 'public' ? {} : { 'x-required-scope': op.scope }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toJsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    responses,
  }
}

export function buildOpenApiDocument(
  operations: Readonly<Record<string, OperationSpec>>,
  info: OpenApiInfo,
  tags: ReadonlyArray<{ name: string; description: string }>,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  for (const op of Object.values(operations)) {
    const item = paths[op.path] ?? {}
    if (item[op.method]) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`)
    item[op.method] = describeOperation(op)
    paths[op.path] = item
  }
  const responses: Record<string, JsonSchema> = { Error: errorResponse('Unexpected error') }
  for (const { ref, description } of Object.values(ERROR_RESPONSES)) responses[ref] = errorResponse(description)
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/api/v1', description: 'This server' }],
    tags,
    security: [{ [BEARER_SCHEME]: [] }],
    paths,
    components: {
      schemas: { Error: toJsonSchema(errorBodySchema, 'output') },
      responses,
      securitySchemes: {
        [BEARER_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from `mail-server token create` (RFC 6750 §2.1: Authorization: Bearer <token>)',
        },
      },
    },
  }
}
