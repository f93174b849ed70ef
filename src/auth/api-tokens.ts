// API tokens for the REST API (/api/v1): bearer secrets handed out once by the CLI or the admin UI,
// stored only as a SHA-256 digest. A slow password hash (Argon2id) buys nothing here: the secret is
// 256 random bits, so guessing is hopeless whatever the hash, while Argon2 would cost ~120 ms on
// every request (shared notes bun-platform §4). RFC 6750 §2.1 carries the token in
// `Authorization: Bearer <token>`.
import { createHash, randomBytes } from 'node:crypto'

/** Scopes, weakest first: a scope grants itself and every scope before it (admin ⊇ write ⊇ read). */
export const API_TOKEN_SCOPES = ['read', 'write', 'admin'] as const
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number]

/** Marks our tokens in logs and secret scanners; the part after it is 32 random bytes, base64url. */
export const API_TOKEN_PREFIX = 'mst_'
const SECRET_BYTES = 32
/** RFC 4648 §5 base64url without padding: 43 characters for 32 bytes. */
const TOKEN_PATTERN = /^mst_[A-Za-z0-9_-]{43}$/
/** How much of a token lists show, so an operator can tell tokens apart without the secret. */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 6

export const isApiTokenScope = (value: string): value is ApiTokenScope =>
  (API_TOKEN_SCOPES as readonly string[]).includes(value)

/** A new bearer secret, e.g. `mst_3q2-…` (47 characters). */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`
}

/** Whether a string has the shape of one of our tokens (cheap rejection before any lookup). */
export const isWellFormedApiToken = (token: string): boolean => TOKEN_PATTERN.test(token)

/** The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** The visible start of a token (`mst_abcdef`), kept beside the hash for listings. */
export const apiTokenDisplayPrefix = (token: string): string => token.slice(0, DISPLAY_LENGTH)

/** Whether a token holding `granted` may call an operation that needs `required`. */
export function scopeGrants(granted: readonly ApiTokenScope[], required: ApiTokenScope): boolean {
  const needed = API_TOKEN_SCOPES.indexOf(required)
  return granted.some(scope => API_TOKEN_SCOPES.indexOf(scope) >= needed)
}
