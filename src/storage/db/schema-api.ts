// Tables of the REST API (issue 8): bearer tokens. Written by hand into migrations/0003_api.sql
// (same columns, same index names); the secret itself is never stored, only its SHA-256.
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    /** newId('tok_'): time-sortable, shown in listings and used to revoke. */
    id: text('id').primaryKey(),
    /** What the token is for ("deploy script", "monitoring"), chosen by whoever created it. */
    name: text('name').notNull(),
    /** Hex SHA-256 of the whole token (src/auth/api-tokens.ts). */
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token (`mst_abcdef`), so lists can tell tokens apart. */
    tokenPrefix: text('token_prefix').notNull(),
    /** Space-separated scopes (`read`, `write`, `admin`). */
    scopes: text('scopes').notNull(),
    /** Who created it: `cli`, `api:<token id>`, `admin:<email>`. */
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Null = never expires. */
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    /** Set once; a revoked token is kept for the audit trail but never accepted again. */
    revokedAt: integer('revoked_at'),
  },
  t => [uniqueIndex('api_tokens_token_hash_unique').on(t.tokenHash)],
)
