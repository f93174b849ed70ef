// `token create|list|revoke`: API tokens for the REST API (/api/v1). `create` is how the first
// token comes to exist; it prints the secret once, on stdout alone, so
// `TOKEN=$(mail-server token create --name deploy --scope admin)` captures just the token.
import { defineCommand } from 'citty'
import { API_TOKEN_SCOPES, type ApiTokenScope, isApiTokenScope } from '../auth/api-tokens.ts'
import { systemClock } from '../core/clock.ts'
import { createApiTokenRepository } from '../storage/repositories/api-tokens.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { withStorage } from './open-storage.ts'
import { printJson, printTable } from './output.ts'
import { usage } from './usage-error.ts'

const DAY_MS = 86_400_000

/** Every --scope value (citty keeps only the last of a repeated flag), comma lists allowed. */
export function collectScopes(rawArgs: readonly string[]): ApiTokenScope[] {
  const values: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === '--scope' && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string)
    else if (arg.startsWith('--scope=')) values.push(arg.slice('--scope='.length))
  }
  const scopes = values
    .flatMap(v => v.split(','))
    .map(s => s.trim().toLowerCase())
    .filter(s => s !== '')
  for (const scope of scopes) {
    if (!isApiTokenScope(scope)) throw usage(`unknown scope "${scope}": use ${API_TOKEN_SCOPES.join(', ')}`)
  }
  if (scopes.length === 0) throw usage(`give --scope (${API_TOKEN_SCOPES.join(', ')})`)
  return scopes as ApiTokenScope[]
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

const create = defineCommand({
  meta: { name: 'create', description: 'Create an API token and print it (once)' },
  args: {
    name: { type: 'string', required: true, description: 'What the token is for, e.g. "deploy script"' },
    scope: {
      type: 'string',
      description: `Scope: ${API_TOKEN_SCOPES.join(', ')} (admin ⊇ write ⊇ read; repeatable or comma-separated)`,
    },
    'expires-days': { type: 'string', description: 'Expire after this many days (default: never)' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const scopes = collectScopes(rawArgs)
    let days: number | null = null
    if (args['expires-days'] !== undefined) {
      days = Number(args['expires-days'])
      if (!Number.isInteger(days) || days < 1) throw usage('--expires-days must be a whole number of days, at least 1')
    }
    const created = await withStorage(args, rawArgs, async storage => {
      const tokens = createApiTokenRepository({ db: storage.db, clock: systemClock })
      const result = await tokens.create({
        name: args.name,
        scopes,
        createdBy: 'cli',
        expiresAt: days === null ? null : systemClock.now() + days * DAY_MS,
      })
      await storage.audit.record({
        actor: 'cli',
        action: 'api_token.create',
        target: result.record.id,
        details: { name: result.record.name, scopes: result.record.scopes },
      })
      return result
    })
    if (args.json)
      return printJson({ ...created.record, expiresAt: date(created.record.expiresAt), token: created.token })
    process.stderr.write(
      `created API token ${created.record.id} "${created.record.name}" (${created.record.scopes.join(', ')})` +
        `${created.record.expiresAt === null ? '' : `, expires ${date(created.record.expiresAt)}`}\n` +
        'store it now: it cannot be shown again\n',
    )
    console.log(created.token)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List API tokens (never their secrets)' },
  args: { all: { type: 'boolean', description: 'Include revoked tokens' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const tokens = await withStorage(args, rawArgs, storage =>
      createApiTokenRepository({ db: storage.db, clock: systemClock }).list({ includeRevoked: args.all }),
    )
    if (args.json) return printJson(tokens)
    printTable(
      tokens.map(t => ({
        ...t,
        scopes: t.scopes.join(','),
        created: date(t.createdAt),
        lastUsed: date(t.lastUsedAt),
        expires: date(t.expiresAt),
        revoked: date(t.revokedAt),
      })),
      ['id', 'name', 'scopes', 'prefix', 'created', 'lastUsed', 'expires', ...(args.all ? ['revoked'] : [])],
      'no API tokens: mail-server token create --name <name> --scope admin',
    )
  },
})

const revoke = defineCommand({
  meta: { name: 'revoke', description: 'Revoke an API token for good' },
  args: {
    id: { type: 'positional', required: true, description: 'Token id (see token list)' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const token = await withStorage(args, rawArgs, async storage => {
      const revoked = await createApiTokenRepository({ db: storage.db, clock: systemClock }).revoke(args.id)
      await storage.audit.record({ actor: 'cli', action: 'api_token.revoke', target: revoked.id })
      return revoked
    })
    if (args.json) return printJson(token)
    console.log(`revoked API token ${token.id} "${token.name}"`)
  },
})

export const tokenCommand = defineCommand({
  meta: { name: 'token', description: 'Manage REST API tokens' },
  subCommands: { create, list, revoke },
})
