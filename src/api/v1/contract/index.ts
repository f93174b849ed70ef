// Every /api/v1 operation, keyed by operationId. Adding an operation here makes it appear in the
// OpenAPI document; the route table and the SDK fail their type checks and tests until it has a
// handler and a client method.
import { accountOperations } from './accounts.ts'
import { aliasOperations } from './aliases.ts'
import { dkimOperations } from './dkim.ts'
import { dnsOperations } from './dns.ts'
import { domainOperations } from './domains.ts'
import { queueOperations } from './queue.ts'
import { statusOperations } from './status.ts'
import { tokenOperations } from './tokens.ts'

export const apiOperations = {
  ...statusOperations,
  ...domainOperations,
  ...dnsOperations,
  ...accountOperations,
  ...aliasOperations,
  ...queueOperations,
  ...dkimOperations,
  ...tokenOperations,
} as const

export type ApiOperations = typeof apiOperations
export type OperationId = keyof ApiOperations

export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'server', description: 'Status, statistics and this description' },
  { name: 'domains', description: 'Hosted mail domains' },
  { name: 'dns', description: 'DNS records per domain and their live check' },
  { name: 'accounts', description: 'Mail accounts' },
  { name: 'aliases', description: 'Forwarding addresses' },
  { name: 'queue', description: 'Outbound delivery queue' },
  { name: 'dkim', description: 'DKIM signing keys (read-only)' },
  { name: 'tokens', description: 'API tokens (admin scope)' },
]
