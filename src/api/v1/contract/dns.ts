// The DNS records a domain should publish, and a live check of what resolvers answer.
import { z } from 'zod'
import { DNS_CHECK_STATUSES } from '../../../domains/dns-check.ts'
import { DNS_RECORD_PURPOSES, DNS_RECORD_TYPES } from '../../../domains/dns-records.ts'
import { defineOperation } from '../operation.ts'
import { domainName } from './common.ts'

export const dnsRecordSchema = z.object({
  purpose: z.enum(DNS_RECORD_PURPOSES).describe('What the record is for'),
  type: z.enum(DNS_RECORD_TYPES),
  name: z.string().describe('Owner name, without the trailing dot'),
  value: z
    .string()
    .nullable()
    .describe('Record data (MX `10 host`, SRV `0 1 587 host`, TXT text); null when not known to the server'),
  required: z.boolean().describe('Needed for mail flow (true) or only for client autoconfiguration (false)'),
  zone: z.string().describe('Zone-file line to publish'),
  note: z.string().describe('Why the record exists'),
})

export const checkedDnsRecordSchema = dnsRecordSchema.extend({
  status: z.enum(DNS_CHECK_STATUSES).describe('published, missing, different, or error (lookup failed)'),
  found: z.array(z.string()).describe('What the resolver returned for this name and type'),
  error: z.string().nullable().describe('Why the lookup failed, for status error'),
})

const domainParams = z.strictObject({ domain: domainName })

export const dnsOperations = {
  getDnsRecords: defineOperation({
    operationId: 'getDnsRecords',
    method: 'get',
    path: '/domains/{domain}/dns',
    tag: 'dns',
    summary: 'The DNS records the domain should publish (as `mail-server domain dns` prints them)',
    scope: 'read',
    params: domainParams,
    status: 200,
    response: z.object({
      domain: z.string(),
      hostname: z.string().describe('This server host name'),
      records: z.array(dnsRecordSchema),
      notes: z.array(z.string()).describe('What is missing from the list and why'),
    }),
    errors: [400, 404],
  }),
  checkDnsRecords: defineOperation({
    operationId: 'checkDnsRecords',
    method: 'get',
    path: '/domains/{domain}/dns/check',
    tag: 'dns',
    summary: 'Look each record up and say whether it is published, missing or different',
    scope: 'read',
    params: domainParams,
    status: 200,
    response: z.object({
      domain: z.string(),
      hostname: z.string(),
      records: z.array(checkedDnsRecordSchema),
      summary: z.object({
        published: z.number().int(),
        missing: z.number().int(),
        different: z.number().int(),
        error: z.number().int(),
      }),
      notes: z.array(z.string()),
    }),
    errors: [400, 404],
  }),
} as const
