// The typed client for /api/v1: one method per operation of the API contract, grouped by
// resource. Request and response types come from the same zod schemas the server validates with.
//
//   const mail = createMailServerClient({ baseUrl: 'https://mail.example.org', token })
//   await mail.domains.create({ name: 'example.org' })
//   const { generatedPassword } = await mail.accounts.create({ email: 'ann@example.org', generatePassword: true })
import { apiOperations as op } from '../api/v1/contract/index.ts'
import { type MailServerClientOptions, operationCaller } from './operation-caller.ts'

export function createMailServerClient(options: MailServerClientOptions) {
  const call = operationCaller(options)
  return {
    server: {
      openApiDocument: call(op.getOpenApiDocument),
      status: call(op.getStatus),
      stats: call(op.getStats),
    },
    domains: {
      list: call(op.listDomains),
      create: call(op.createDomain),
      get: call(op.getDomain),
      update: call(op.updateDomain),
      delete: call(op.deleteDomain),
      dnsRecords: call(op.getDnsRecords),
      checkDns: call(op.checkDnsRecords),
    },
    accounts: {
      list: call(op.listAccounts),
      create: call(op.createAccount),
      get: call(op.getAccount),
      update: call(op.updateAccount),
      setPassword: call(op.setAccountPassword),
      delete: call(op.deleteAccount),
    },
    aliases: {
      list: call(op.listAliases),
      create: call(op.createAlias),
      get: call(op.getAlias),
      delete: call(op.deleteAlias),
      removeTarget: call(op.removeAliasTarget),
    },
    queue: {
      list: call(op.listQueue),
      get: call(op.getQueueEntry),
      retry: call(op.retryQueueEntry),
      drop: call(op.dropQueueEntry),
    },
    dkim: {
      listKeys: call(op.listDkimKeys),
    },
    tokens: {
      list: call(op.listApiTokens),
      create: call(op.createApiToken),
      revoke: call(op.revokeApiToken),
    },
  }
}

export type MailServerClient = ReturnType<typeof createMailServerClient>

/**
 * Every item of a paginated list, following `nextCursor`:
 * `for await (const a of listAll(mail.accounts.list, { domain: 'example.org' })) …`
 */
export async function* listAll<
  // biome-ignore lint/suspicious/noExplicitAny: any list method; its own input type is taken below
  F extends (input?: any) => Promise<{ items: unknown[]; nextCursor: string | null }>,
>(list: F, input?: Omit<NonNullable<Parameters<F>[0]>, 'cursor'>): AsyncGenerator<ListItem<F>> {
  let cursor: string | undefined
  do {
    const page = await list({ ...input, cursor })
    for (const item of page.items) yield item as ListItem<F>
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
}

type ListItem<F extends (input?: never) => Promise<{ items: unknown[] }>> = Awaited<ReturnType<F>>['items'][number]

/** The operationId behind every method of a client, for checks against the OpenAPI document. */
export function clientOperationIds(client: MailServerClient): string[] {
  return Object.values(client).flatMap(group =>
    Object.values(group as Record<string, { operationId: string }>).map(method => method.operationId),
  )
}
