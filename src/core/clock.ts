// Injected time source (DESIGN.md: clock is injected so retry/back-off logic is tested without waiting).
export interface Clock {
  now(): number
  date(): Date
}

export const systemClock: Clock = { now: () => Date.now(), date: () => new Date() }

/** A clock tests move by hand. */
export function manualClock(
  start = Date.UTC(2026, 0, 1),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let t = start
  return {
    now: () => t,
    date: () => new Date(t),
    advance: ms => {
      t += ms
    },
    set: ms => {
      t = ms
    },
  }
}
