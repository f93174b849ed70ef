// Remembers recently verified Basic credentials for a short time. DAV clients send the password with
// every request (a sync is dozens of requests), and each Argon2id check costs ~120 ms of CPU
// (shared notes bun-platform §4); without this a calendar sync would be rate-limited by hashing.
//
// Only successes are cached, keyed by an HMAC of user and password under a per-process random key, so
// the plain password is never kept and a wrong password never hits a cached entry. A password change
// or a disabled account takes effect for cached clients after `ttlMs` at most.
import { createHmac, randomBytes } from 'node:crypto'
import type { Clock } from '../../core/clock.ts'

export interface CachedAccount {
  id: number
  email: string
}

export interface CredentialCache {
  get(username: string, password: string): CachedAccount | null
  set(username: string, password: string, account: CachedAccount): void
  readonly size: number
}

export interface CredentialCacheOptions {
  clock: Clock
  ttlMs: number
  maxEntries?: number
}

export function createCredentialCache(options: CredentialCacheOptions): CredentialCache {
  const secret = randomBytes(32)
  const maxEntries = options.maxEntries ?? 1000
  const entries = new Map<string, { account: CachedAccount; expiresAt: number }>()
  const keyOf = (username: string, password: string) =>
    createHmac('sha256', secret).update(username.toLowerCase()).update('\u0000').update(password).digest('base64')

  return {
    get(username, password) {
      if (options.ttlMs <= 0) return null
      const key = keyOf(username, password)
      const entry = entries.get(key)
      if (!entry) return null
      if (entry.expiresAt <= options.clock.now()) {
        entries.delete(key)
        return null
      }
      return entry.account
    },
    set(username, password, account) {
      if (options.ttlMs <= 0) return
      const key = keyOf(username, password)
      entries.delete(key)
      entries.set(key, { account, expiresAt: options.clock.now() + options.ttlMs })
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done) break
        entries.delete(oldest.value)
      }
    },
    get size() {
      return entries.size
    },
  }
}
