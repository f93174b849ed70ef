// When to try a deferred entry again (issue 7 §1; RFC 5321 §4.5.4.1: retry at least 30 minutes
// apart for a while, give up after 4–5 days). The schedule is a list of delays; past its end the
// last delay repeats. Jitter spreads entries deferred together (one MX outage) so they do not all
// come back in the same second.

export interface RetryPolicy {
  /** Delay after the 1st, 2nd, … failed attempt, in seconds; the last one repeats. */
  scheduleSeconds: readonly number[]
  /** Fraction (0–1) of each delay added or removed at random. */
  jitter: number
}

/**
 * Milliseconds to wait after `attempts` attempts (≥ 1). `random` returns [0, 1), injected so tests
 * are deterministic.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const { scheduleSeconds } = policy
  if (scheduleSeconds.length === 0) throw new Error('the retry schedule is empty')
  const index = Math.min(Math.max(attempts, 1), scheduleSeconds.length) - 1
  const base = (scheduleSeconds[index] as number) * 1000
  const jitter = Math.min(Math.max(policy.jitter, 0), 1)
  const factor = 1 + jitter * (2 * random() - 1)
  return Math.max(1000, Math.round(base * factor))
}
