// Server status (version, uptime, readiness checks) and stats (counts), plus the API description.
import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { isoTime } from './common.ts'

export const statusSchema = z.object({
  status: z.enum(['ok', 'degraded']).describe('degraded when a readiness check fails'),
  version: z.string(),
  commit: z.string(),
  hostname: z.string(),
  profile: z.string(),
  startedAt: isoTime('When the server started'),
  uptimeSeconds: z.number().int(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
})

export const statsSchema = z.object({
  domains: z.number().int(),
  accounts: z.number().int(),
  disabledAccounts: z.number().int(),
  aliases: z.number().int().describe('Alias addresses'),
  messages: z.number().int().describe('Stored messages across all mailboxes'),
  storedBytes: z.number().int(),
  queue: z.object({
    total: z.number().int(),
    byState: z.record(z.string(), z.number().int()),
    oldestCreatedAt: isoTime('Oldest queued message').nullable(),
  }),
})

export const statusOperations = {
  getOpenApiDocument: defineOperation({
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    tag: 'server',
    summary: 'This API described as an OpenAPI 3.1 document',
    scope: 'public',
    status: 200,
    response: z.record(z.string(), z.unknown()),
    errors: [],
  }),
  getStatus: defineOperation({
    operationId: 'getStatus',
    method: 'get',
    path: '/status',
    tag: 'server',
    summary: 'Version, uptime and readiness checks',
    scope: 'read',
    status: 200,
    response: statusSchema,
    errors: [],
  }),
  getStats: defineOperation({
    operationId: 'getStats',
    method: 'get',
    path: '/stats',
    tag: 'server',
    summary: 'Counts of domains, accounts, aliases, messages and queued mail',
    scope: 'read',
    status: 200,
    response: statsSchema,
    errors: [],
  }),
} as const
