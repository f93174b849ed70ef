// Login throttling (auth/login-throttle.ts) with a manual clock: per-address and per-account
// counters, exponential back-off with a cap, reset on success, expiry, IPv6 /64 grouping, bounded memory.
import { describe, expect, test } from 'bun:test'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { manualClock } from '../../../src/core/clock.ts'

function setup(options: { threshold?: number; maxDelayMs?: number; forgetAfterMs?: number; maxEntries?: number } = {}) {
  const clock = manualClock()
  const throttle = createLoginThrottle({
    clock,
    failuresBeforeThrottle: options.threshold ?? 3,
    baseDelayMs: 1000,
    maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
    forgetAfterMs: options.forgetAfterMs,
    maxEntries: options.maxEntries,
  })
  const fail = (n: number, ip = '198.51.100.1', account: string | null = 'ann@example.test') => {
    for (let i = 0; i < n; i++) throttle.recordFailure(ip, account)
  }
  return { clock, throttle, fail }
}

describe('createLoginThrottle', () => {
  test('allowed below the threshold', () => {
    const { throttle, fail } = setup()
    expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: true })
    fail(2)
    expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: true })
  })

  test('back-off 1 s, 2 s, 4 s … after the threshold, counted from the last failure', () => {
    const { clock, throttle, fail } = setup()
    const expected = [1000, 2000, 4000, 8000, 16000]
    fail(2)
    for (const delay of expected) {
      fail(1)
      expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: false, retryAfterMs: delay })
      clock.advance(delay - 1)
      expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: false, retryAfterMs: 1 })
      clock.advance(1)
      expect(throttle.check('198.51.100.1', 'ann@example.test').allowed).toBe(true)
    }
  })

  test('capped at maxDelayMs', () => {
    const { throttle, fail } = setup({ maxDelayMs: 15 * 60_000 })
    fail(200)
    expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 })
  })

  test('per account across addresses, per address across accounts', () => {
    const { throttle, fail } = setup()
    fail(1, '198.51.100.1')
    fail(1, '198.51.100.2')
    fail(1, '198.51.100.3')
    // The account is throttled from a fourth address …
    expect(throttle.check('203.0.113.7', 'ann@example.test').allowed).toBe(false)
    // … but the addresses themselves are not, for other accounts.
    expect(throttle.check('198.51.100.1', 'bob@example.test').allowed).toBe(true)

    const other = setup()
    other.fail(1, '198.51.100.1', 'a@example.test')
    other.fail(1, '198.51.100.1', 'b@example.test')
    other.fail(1, '198.51.100.1', 'c@example.test')
    expect(other.throttle.check('198.51.100.1', 'zed@example.test').allowed).toBe(false)
    expect(other.throttle.check('198.51.100.1', null).allowed).toBe(false)
    expect(other.throttle.check('198.51.100.9', 'a@example.test').allowed).toBe(true)
  })

  test('account names are compared case-insensitively', () => {
    const { throttle, fail } = setup()
    fail(1, '198.51.100.1', 'Ann@Example.Test')
    fail(1, '198.51.100.2', 'ann@example.test')
    fail(1, '198.51.100.3', ' ANN@EXAMPLE.TEST')
    expect(throttle.check('203.0.113.7', 'ann@example.test').allowed).toBe(false)
  })

  test('success resets the account, not the address', () => {
    const { throttle, fail, clock } = setup()
    fail(3)
    clock.advance(1000)
    throttle.recordSuccess('198.51.100.1', 'ann@example.test')
    fail(1, '198.51.100.1', 'bob@example.test')
    // The address now has 4 failures (2 s); ann's counter starts again from another address.
    expect(throttle.check('198.51.100.1', 'carol@example.test')).toEqual({ allowed: false, retryAfterMs: 2000 })
    expect(throttle.check('203.0.113.7', 'ann@example.test').allowed).toBe(true)
  })

  test('IPv6 addresses are grouped by /64; IPv4-mapped addresses count as IPv4', () => {
    const { throttle, fail } = setup()
    fail(1, '2001:db8:1:2::1', null)
    fail(1, '2001:db8:1:2::ffff', null)
    fail(1, '2001:db8:1:2:aaaa:bbbb:cccc:dddd', null)
    expect(throttle.check('2001:db8:1:2::77', null).allowed).toBe(false)
    expect(throttle.check('2001:db8:1:3::1', null).allowed).toBe(true)

    const v4 = setup()
    v4.fail(3, '::ffff:192.0.2.1', null)
    expect(v4.throttle.check('192.0.2.1', null).allowed).toBe(false)
  })

  test('entries are forgotten forgetAfterMs after the last failure', () => {
    const { throttle, fail, clock } = setup({ forgetAfterMs: 60 * 60_000 })
    fail(10)
    expect(throttle.size).toBe(2)
    clock.advance(60 * 60_000)
    expect(throttle.check('198.51.100.1', 'ann@example.test').allowed).toBe(true)
    expect(throttle.size).toBe(0)
    // Counting starts over.
    fail(2)
    expect(throttle.check('198.51.100.1', 'ann@example.test').allowed).toBe(true)
  })

  test('forgetAfterMs is never shorter than the longest block', () => {
    const { throttle, fail, clock } = setup({ forgetAfterMs: 1000, maxDelayMs: 60_000 })
    fail(50)
    clock.advance(30_000)
    expect(throttle.check('198.51.100.1', 'ann@example.test')).toEqual({ allowed: false, retryAfterMs: 30_000 })
  })

  test('memory is bounded: the least recently failed keys are dropped', () => {
    const { throttle, fail } = setup({ maxEntries: 100 })
    fail(3, '198.51.100.1', null)
    for (let i = 0; i < 200; i++) fail(1, `203.0.113.${i % 250}`, `user${i}@example.test`)
    expect(throttle.size).toBe(100)
    // The oldest key was evicted; the most recent ones are kept.
    expect(throttle.check('198.51.100.1', null).allowed).toBe(true)
    fail(2, '203.0.113.199', 'user199@example.test')
    expect(throttle.check('203.0.113.199', null).allowed).toBe(false)
  })

  test('refused attempts are not failures: checking alone never extends a block', () => {
    const { throttle, fail, clock } = setup()
    fail(3)
    for (let i = 0; i < 5; i++) throttle.check('198.51.100.1', 'ann@example.test')
    clock.advance(1000)
    expect(throttle.check('198.51.100.1', 'ann@example.test').allowed).toBe(true)
  })
})
