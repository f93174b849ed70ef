// API tokens: list, create (the secret is returned once), revoke. Admin scope only.
import { z } from 'zod'
import { API_TOKEN_SCOPES } from '../../../auth/api-tokens.ts'
import { defineOperation } from '../operation.ts'
import { isoTime, pageOf, pageQueryShape, queryBoolean } from './common.ts'

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)),
  prefix: z.string().describe('First characters of the secret, to tell tokens apart'),
  createdBy: z.string(),
  createdAt: isoTime('When the token was created'),
  expiresAt: isoTime('When the token stops working').nullable(),
  lastUsedAt: isoTime('Last request made with the token (minute resolution)').nullable(),
  revokedAt: isoTime('When the token was revoked').nullable(),
})

export const tokenOperations = {
  listApiTokens: defineOperation({
    operationId: 'listApiTokens',
    method: 'get',
    path: '/tokens',
    tag: 'tokens',
    summary: 'List API tokens (never their secrets)',
    scope: 'admin',
    query: z.strictObject({ ...pageQueryShape, includeRevoked: queryBoolean('Also list revoked tokens') }),
    status: 200,
    response: pageOf(apiTokenSchema),
    errors: [400],
  }),
  createApiToken: defineOperation({
    operationId: 'createApiToken',
    method: 'post',
    path: '/tokens',
    tag: 'tokens',
    summary: 'Create an API token; its secret is in this response only',
    scope: 'admin',
    body: z.strictObject({
      name: z.string().min(1).max(100).describe('What the token is for'),
      scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).describe('read ⊂ write ⊂ admin'),
      expiresInDays: z.number().int().min(1).max(3650).optional().describe('Omit for a token that never expires'),
    }),
    status: 201,
    response: z.object({
      token: apiTokenSchema,
      secret: z.string().describe('The bearer token; store it now, it cannot be shown again'),
    }),
    errors: [400, 413, 415],
  }),
  revokeApiToken: defineOperation({
    operationId: 'revokeApiToken',
    method: 'delete',
    path: '/tokens/{id}',
    tag: 'tokens',
    summary: 'Revoke a token for good',
    scope: 'admin',
    params: z.strictObject({ id: z.string().min(1).max(100) }),
    status: 204,
    errors: [400, 404],
  }),
} as const
