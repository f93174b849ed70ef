// Hosted domains.
import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { domainName, isoTime, mailAddress, pageOf, pageQueryShape, queryBoolean } from './common.ts'

export const domainSchema = z.object({
  name: z.string().describe('Domain name in normal form (lower case, punycode)'),
  enabled: z.boolean().describe('A disabled domain receives no mail and allows no logins'),
  catchAll: z.string().nullable().describe('Receives mail for unknown local parts; null = reject'),
  createdAt: isoTime('When the domain was added'),
})

const domainParams = z.strictObject({ domain: domainName })

export const domainOperations = {
  listDomains: defineOperation({
    operationId: 'listDomains',
    method: 'get',
    path: '/domains',
    tag: 'domains',
    summary: 'List hosted domains',
    scope: 'read',
    query: z.strictObject({ ...pageQueryShape }),
    status: 200,
    response: pageOf(domainSchema),
    errors: [400],
  }),
  createDomain: defineOperation({
    operationId: 'createDomain',
    method: 'post',
    path: '/domains',
    tag: 'domains',
    summary: 'Host a new domain',
    scope: 'write',
    body: z.strictObject({
      name: domainName,
      catchAll: mailAddress.optional().describe('Address receiving mail for unknown local parts'),
    }),
    status: 201,
    response: domainSchema,
    errors: [400, 409, 413, 415],
  }),
  getDomain: defineOperation({
    operationId: 'getDomain',
    method: 'get',
    path: '/domains/{domain}',
    tag: 'domains',
    summary: 'Show one domain',
    scope: 'read',
    params: domainParams,
    status: 200,
    response: domainSchema,
    errors: [400, 404],
  }),
  updateDomain: defineOperation({
    operationId: 'updateDomain',
    method: 'patch',
    path: '/domains/{domain}',
    tag: 'domains',
    summary: 'Enable or disable a domain, or set its catch-all address',
    scope: 'write',
    params: domainParams,
    body: z
      .strictObject({
        enabled: z.boolean().optional().describe('False: keep the data, refuse mail and logins'),
        catchAll: mailAddress.nullable().optional().describe('New catch-all address; null removes it'),
      })
      .refine(b => b.enabled !== undefined || b.catchAll !== undefined, 'give enabled or catchAll'),
    status: 200,
    response: domainSchema,
    errors: [400, 404, 413, 415],
  }),
  deleteDomain: defineOperation({
    operationId: 'deleteDomain',
    method: 'delete',
    path: '/domains/{domain}',
    tag: 'domains',
    summary: 'Stop hosting a domain (refused while it has accounts, unless force=true)',
    scope: 'write',
    params: domainParams,
    query: z.strictObject({
      force: queryBoolean('Also delete the accounts of the domain'),
      removeData: queryBoolean('With force: delete the mail files of those accounts too'),
    }),
    status: 204,
    errors: [400, 404, 409],
  }),
} as const
