// Login throttling shared by every protocol that checks passwords (SMTP AUTH now, IMAP LOGIN and
// POP3 USER/PASS later). Failures are counted per client address and per account; once a key has
// `failuresBeforeThrottle` failures, further attempts are refused for an exponentially growing time
// (1 s, 2 s, 4 s … capped at 15 min) after its last failure. Refusing is cheap, so a guessing client
// no longer costs an Argon2id verification (~120 ms of CPU, shared notes bun-platform §4) per try.
//
// - A success resets the account's counter, not the address's: one valid login must not let a client
//   keep guessing other accounts' passwords from the same address.
// - Refused attempts are not counted, or a client could keep an account locked forever by retrying.
// - IPv6 clients are counted per /64 (net/connection-limits clientKey), as they usually own one.
// - Memory is bounded: entries expire `forgetAfterMs` after their last failure, and beyond
//   `maxEntries` the least recently failed key is dropped (a Map keeps insertion order: re-inserting
//   on every failure makes it an LRU).
import type { Clock } from '../core/clock.ts'
import { clientKey } from '../net/connection-limits.ts'

export interface LoginThrottleOptions {
  clock: Clock
  /** Failures per key before back-off starts (config limits.authFailuresBeforeThrottle). */
  failuresBeforeThrottle: number
  /** First refusal period. Default 1 s. */
  baseDelayMs?: number
  /** Longest refusal period. Default 15 min. */
  maxDelayMs?: number
  /** A key with no failure for this long is forgotten. Default 1 h; never less than maxDelayMs. */
  forgetAfterMs?: number
  /** Most keys remembered (addresses + accounts). Default 50,000. */
  maxEntries?: number
}

export type ThrottleDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number }

export interface LoginThrottle {
  /** May this address try to log in to this account now? `account` null: only the address is checked. */
  check(ip: string, account: string | null): ThrottleDecision
  /** A wrong password (or unknown account) from this address. */
  recordFailure(ip: string, account: string | null): void
  /** A successful login: the account's counter starts over. */
  recordSuccess(ip: string, account: string | null): void
  /** Keys remembered right now (for tests and metrics). */
  readonly size: number
}

interface Entry {
  failures: number
  lastFailureAt: number
}

const DEFAULT_BASE_DELAY_MS = 1000
const DEFAULT_MAX_DELAY_MS = 15 * 60_000
const DEFAULT_FORGET_AFTER_MS = 60 * 60_000
const DEFAULT_MAX_ENTRIES = 50_000
const ALLOWED: ThrottleDecision = { allowed: true }

const ipKey = (ip: string) => `ip:${clientKey(ip)}`
const accountKey = (account: string) => `account:${account.trim().toLowerCase()}`

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const threshold = Math.max(1, options.failuresBeforeThrottle)
  const baseDelay = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS
  const maxDelay = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS
  const forgetAfter = Math.max(options.forgetAfterMs ?? DEFAULT_FORGET_AFTER_MS, maxDelay)
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES)
  const entries = new Map<string, Entry>()
  const clock = options.clock

  const keysFor = (ip: string, account: string | null) =>
    account === null || account.trim() === '' ? [ipKey(ip)] : [ipKey(ip), accountKey(account)]

  /** Refusal period after `failures` failures: 0 below the threshold, then doubling up to the cap. */
  const delayFor = (failures: number): number => {
    if (failures < threshold) return 0
    const doublings = failures - threshold
    // 2^31 s is far past any cap; stop the exponent before it overflows to Infinity.
    return Math.min(baseDelay * 2 ** Math.min(doublings, 31), maxDelay)
  }

  /** The live entry for a key, dropping it when it has expired. */
  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key)
    if (entry && now - entry.lastFailureAt >= forgetAfter) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  return {
    check(ip, account) {
      const now = clock.now()
      let retryAfterMs = 0
      for (const key of keysFor(ip, account)) {
        const entry = live(key, now)
        if (!entry) continue
        const until = entry.lastFailureAt + delayFor(entry.failures)
        retryAfterMs = Math.max(retryAfterMs, until - now)
      }
      return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : ALLOWED
    },
    recordFailure(ip, account) {
      const now = clock.now()
      for (const key of keysFor(ip, account)) {
        const previous = live(key, now)
        entries.delete(key) // re-insert at the end: most recently failed
        entries.set(key, { failures: (previous?.failures ?? 0) + 1, lastFailureAt: now })
      }
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done) break
        entries.delete(oldest.value)
      }
    },
    recordSuccess(_ip, account) {
      if (account !== null) entries.delete(accountKey(account))
    },
    get size() {
      return entries.size
    },
  }
}
