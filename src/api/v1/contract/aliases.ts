// Aliases: an address in a hosted domain forwarding to one or more targets.
import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { domainName, mailAddress, pageOf, pageQueryShape } from './common.ts'

export const aliasSchema = z.object({
  address: z.string().describe('Alias address in normal form'),
  targets: z.array(z.string()).describe('Accounts, other aliases or external addresses'),
})

const aliasParams = z.strictObject({ address: mailAddress })

export const aliasOperations = {
  listAliases: defineOperation({
    operationId: 'listAliases',
    method: 'get',
    path: '/aliases',
    tag: 'aliases',
    summary: 'List aliases',
    scope: 'read',
    query: z.strictObject({ ...pageQueryShape, domain: domainName.optional().describe('Only this domain') }),
    status: 200,
    response: pageOf(aliasSchema),
    errors: [400],
  }),
  createAlias: defineOperation({
    operationId: 'createAlias',
    method: 'post',
    path: '/aliases',
    tag: 'aliases',
    summary: 'Create an alias, or add targets to an existing one',
    scope: 'write',
    body: z.strictObject({
      address: mailAddress,
      targets: z.array(mailAddress).min(1).max(1000).describe('Where mail for the alias goes'),
    }),
    status: 201,
    response: aliasSchema,
    errors: [400, 404, 409, 413, 415],
  }),
  getAlias: defineOperation({
    operationId: 'getAlias',
    method: 'get',
    path: '/aliases/{address}',
    tag: 'aliases',
    summary: 'Show one alias',
    scope: 'read',
    params: aliasParams,
    status: 200,
    response: aliasSchema,
    errors: [400, 404],
  }),
  deleteAlias: defineOperation({
    operationId: 'deleteAlias',
    method: 'delete',
    path: '/aliases/{address}',
    tag: 'aliases',
    summary: 'Delete an alias with all its targets',
    scope: 'write',
    params: aliasParams,
    status: 204,
    errors: [400, 404],
  }),
  removeAliasTarget: defineOperation({
    operationId: 'removeAliasTarget',
    method: 'delete',
    path: '/aliases/{address}/targets/{target}',
    tag: 'aliases',
    summary: 'Remove one target (the alias goes when its last target does)',
    scope: 'write',
    params: z.strictObject({ address: mailAddress, target: mailAddress }),
    status: 204,
    errors: [400, 404],
  }),
} as const
