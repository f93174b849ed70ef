// DKIM keys, read-only: generation and rotation belong to delivery.
import { z } from 'zod'
import { defineOperation } from '../operation.ts'
import { domainName, isoTime } from './common.ts'

export const dkimKeySchema = z.object({
  domain: z.string(),
  selector: z.string(),
  algorithm: z.string().describe('e.g. rsa-sha256, ed25519-sha256'),
  dnsName: z.string().describe('Where the public key is published: <selector>._domainkey.<domain>'),
  dnsValue: z.string().describe('TXT record text'),
  createdAt: isoTime('When the key was generated').nullable(),
  active: z.boolean().describe('Outgoing mail is signed with this key'),
})

export const dkimOperations = {
  listDkimKeys: defineOperation({
    operationId: 'listDkimKeys',
    method: 'get',
    path: '/dkim-keys',
    tag: 'dkim',
    summary: 'List DKIM public keys (all domains, or one)',
    scope: 'read',
    query: z.strictObject({ domain: domainName.optional().describe('Only this domain') }),
    status: 200,
    response: z.object({ items: z.array(dkimKeySchema) }),
    errors: [400],
  }),
} as const
