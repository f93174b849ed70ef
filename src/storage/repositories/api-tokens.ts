// API tokens (REST API bearer auth). The repository hands out a secret exactly once, at create;
// afterwards only its hash, its visible prefix and its metadata exist. Lookups go by hash: an
// equality probe on a unique index reveals nothing useful about other tokens' secrets.
import { asc, eq, isNull } from 'drizzle-orm'
import {
  API_TOKEN_SCOPES,
  type ApiTokenScope,
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  isApiTokenScope,
  isWellFormedApiToken,
} from '../../auth/api-tokens.ts'
import type { Clock } from '../../core/clock.ts'
import { MailError } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { MailDb } from '../db/open-database.ts'
import { apiTokens } from '../db/schema-api.ts'

export interface ApiTokenRecord {
  id: string
  name: string
  scopes: ApiTokenScope[]
  /** Visible start of the secret (`mst_abcdef`). */
  prefix: string
  createdBy: string
  createdAt: number
  expiresAt: number | null
  lastUsedAt: number | null
  revokedAt: number | null
}

export interface CreateApiTokenInput {
  name: string
  scopes: readonly ApiTokenScope[]
  /** Who asks: `cli`, `api:<token id>`, `admin:<email>`. */
  createdBy: string
  /** Absolute expiry (ms since the epoch); omitted or null = never. */
  expiresAt?: number | null
}

export interface CreatedApiToken {
  record: ApiTokenRecord
  /** The bearer secret. Shown to the caller once; it cannot be recovered later. */
  token: string
}

export type ApiTokenCheck =
  | { status: 'valid'; record: ApiTokenRecord }
  | { status: 'unknown' }
  | { status: 'revoked'; record: ApiTokenRecord }
  | { status: 'expired'; record: ApiTokenRecord }

export interface ApiTokenRepository {
  create(input: CreateApiTokenInput): Promise<CreatedApiToken>
  /** Oldest first; revoked tokens only when asked for. */
  list(options?: { includeRevoked?: boolean }): Promise<ApiTokenRecord[]>
  get(id: string): Promise<ApiTokenRecord | null>
  /** Revoke for good (idempotent: revoking twice keeps the first time). Throws `unknown_api_token`. */
  revoke(id: string): Promise<ApiTokenRecord>
  /** Check a presented secret; a valid one gets its `lastUsedAt` refreshed. */
  verify(token: string): Promise<ApiTokenCheck>
}

export interface ApiTokenRepositoryDeps {
  db: MailDb
  clock: Clock
}

const MAX_NAME_LENGTH = 100
/** `lastUsedAt` is rewritten at most this often per token, so a busy client does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000

type ApiTokenRow = typeof apiTokens.$inferSelect

export const unknownApiToken = (id: string) =>
  new MailError('user', `no such API token: ${id}`, { http: 404, code: 'unknown_api_token' })

const invalidApiToken = (why: string) => new MailError('user', why, { http: 400, code: 'invalid_api_token' })

const toRecord = (row: ApiTokenRow): ApiTokenRecord => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.split(' ').filter(isApiTokenScope),
  prefix: row.tokenPrefix,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
})

/** Validate a token's name and scopes; returns the normalised values. */
function checkInput(input: CreateApiTokenInput): { name: string; scopes: ApiTokenScope[] } {
  const name = input.name.trim()
  if (name === '') throw invalidApiToken('a token needs a name')
  if (name.length > MAX_NAME_LENGTH) throw invalidApiToken(`token names are at most ${MAX_NAME_LENGTH} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalidApiToken('token names cannot contain control characters')
  if (input.scopes.length === 0) throw invalidApiToken(`give at least one scope (${API_TOKEN_SCOPES.join(', ')})`)
  for (const scope of input.scopes) {
    if (!isApiTokenScope(scope)) throw invalidApiToken(`unknown scope "${scope}" (${API_TOKEN_SCOPES.join(', ')})`)
  }
  // Store in canonical order without duplicates.
  return { name, scopes: API_TOKEN_SCOPES.filter(s => input.scopes.includes(s)) }
}

export function createApiTokenRepository(deps: ApiTokenRepositoryDeps): ApiTokenRepository {
  const { db, clock } = deps
  const byId = (id: string) => db.select().from(apiTokens).where(eq(apiTokens.id, id)).get()

  return {
    async create(input) {
      const { name, scopes } = checkInput(input)
      const now = clock.now()
      if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt <= now) {
        throw invalidApiToken('the expiry time is in the past')
      }
      const token = generateApiToken()
      const row = db
        .insert(apiTokens)
        .values({
          id: newId('tok_'),
          name,
          tokenHash: hashApiToken(token),
          tokenPrefix: apiTokenDisplayPrefix(token),
          scopes: scopes.join(' '),
          createdBy: input.createdBy,
          createdAt: now,
          expiresAt: input.expiresAt ?? null,
        })
        .returning()
        .get()
      return { record: toRecord(row), token }
    },

    async list(options = {}) {
      const query = db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id))
      const rows = options.includeRevoked ? query.all() : query.where(isNull(apiTokens.revokedAt)).all()
      return rows.map(toRecord)
    },

    async get(id) {
      const row = byId(id)
      return row ? toRecord(row) : null
    },

    async revoke(id) {
      const row = byId(id)
      if (!row) throw unknownApiToken(id)
      if (row.revokedAt !== null) return toRecord(row)
      const updated = db.update(apiTokens).set({ revokedAt: clock.now() }).where(eq(apiTokens.id, id)).returning().get()
      return toRecord(updated ?? row)
    },

    async verify(token) {
      if (!isWellFormedApiToken(token)) return { status: 'unknown' }
      const row = db
        .select()
        .from(apiTokens)
        .where(eq(apiTokens.tokenHash, hashApiToken(token)))
        .get()
      if (!row) return { status: 'unknown' }
      const record = toRecord(row)
      if (row.revokedAt !== null) return { status: 'revoked', record }
      const now = clock.now()
      if (row.expiresAt !== null && row.expiresAt <= now) return { status: 'expired', record }
      if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
        db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run()
        record.lastUsedAt = now
      }
      return { status: 'valid', record }
    },
  }
}
