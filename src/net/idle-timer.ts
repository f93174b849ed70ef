// Per-connection idle timeout (RFC 5321 §4.5.3.2.7: at least 5 minutes for SMTP; RFC 9051 §5.4: at
// least 30 minutes for IMAP). touch() runs on every read, so it only stores a time stamp; the single
// setTimeout re-arms itself for the remainder instead of being cleared and recreated per chunk.

export interface IdleTimer {
  /** Activity seen: the idle period starts again. */
  touch(): void
  /** Change the timeout (e.g. during IMAP IDLE); counts from the last activity. */
  setTimeout(ms: number): void
  /** Cancel for good (connection closed). */
  stop(): void
}

export function createIdleTimer(
  ms: number,
  onIdle: () => void,
  now: () => number = () => performance.now(),
): IdleTimer {
  let timeoutMs = ms
  let last = now()
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  const arm = (delay: number) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(fire, Math.max(1, Math.ceil(delay)))
  }
  const fire = () => {
    timer = null
    if (stopped) return
    const idleFor = now() - last
    if (idleFor < timeoutMs) {
      arm(timeoutMs - idleFor)
      return
    }
    last = now()
    onIdle()
    // The handler may keep the connection (it did not close it): watch the next period.
    if (!stopped) arm(timeoutMs)
  }
  arm(timeoutMs)

  return {
    touch: () => {
      last = now()
    },
    setTimeout: next => {
      if (stopped) return
      timeoutMs = next
      arm(Math.max(0, timeoutMs - (now() - last)))
    },
    stop: () => {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
