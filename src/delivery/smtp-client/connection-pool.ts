// Connection reuse per destination (issue 7: "per-destination concurrency and connection reuse";
// Postfix's connection cache, SCHEDULER_README). A destination key (MX host + address + port + TLS
// level) holds at most `maxPerKey` connections, busy or idle; an idle connection is handed to the
// next attempt for the same key, and closed with QUIT after `idleTimeoutMs` or `maxUses` transactions.
// Callers beyond the limit wait for a release, in arrival order.

export interface Poolable {
  /** Still connected and in a clean state. */
  readonly usable: boolean
  /** Transactions done so far. */
  readonly transactions: number
  /** Polite close (QUIT). */
  quit(): Promise<void>
  /** Close now. */
  abort(): void
}

export interface PoolOptions {
  maxPerKey: number
  idleTimeoutMs: number
  /** Close a connection after this many transactions (bounds the damage of a slow leak on either side). */
  maxUses: number
}

export interface Lease<C> {
  readonly connection: C
  /** Taken from the idle set (it carried earlier transactions). */
  readonly reused: boolean
  /** Give it back: kept for reuse when `reusable` and still usable, else closed. Call exactly once. */
  release(reusable: boolean): void
}

interface Idle<C> {
  connection: C
  timer: ReturnType<typeof setTimeout>
}

interface Group<C> {
  idle: Idle<C>[]
  /** Leased plus being created. */
  busy: number
  waiters: (() => void)[]
}

export class ConnectionPool<C extends Poolable> {
  private readonly groups = new Map<string, Group<C>>()
  private closed = false

  constructor(private readonly options: PoolOptions) {}

  /** A connection for `key`: an idle one, a new one from `create`, or the next one released. */
  async acquire(key: string, create: () => Promise<C>): Promise<Lease<C>> {
    for (;;) {
      if (this.closed) throw new Error('connection pool is closed')
      const group = this.group(key)
      for (let entry = group.idle.pop(); entry !== undefined; entry = group.idle.pop()) {
        clearTimeout(entry.timer)
        if (entry.connection.usable) {
          group.busy++
          return this.lease(key, entry.connection, true)
        }
        entry.connection.abort()
      }
      if (group.busy < this.options.maxPerKey) {
        group.busy++
        let connection: C
        try {
          connection = await create()
        } catch (e) {
          group.busy--
          this.wake(key, group)
          throw e
        }
        return this.lease(key, connection, false)
      }
      await new Promise<void>(resolve => group.waiters.push(resolve))
    }
  }

  /** Connections for `key`: busy (leased or connecting) and idle. */
  count(key: string): { busy: number; idle: number } {
    const group = this.groups.get(key)
    return { busy: group?.busy ?? 0, idle: group?.idle.length ?? 0 }
  }

  /** QUIT every idle connection; busy ones close when released. Waiters are woken and fail. */
  async close(): Promise<void> {
    this.closed = true
    const quits: Promise<void>[] = []
    for (const group of this.groups.values()) {
      for (const entry of group.idle.splice(0)) {
        clearTimeout(entry.timer)
        quits.push(entry.connection.quit())
      }
      for (const wake of group.waiters.splice(0)) wake()
    }
    await Promise.allSettled(quits)
  }

  private lease(key: string, connection: C, reused: boolean): Lease<C> {
    let released = false
    return {
      connection,
      reused,
      release: reusable => {
        if (released) return
        released = true
        this.giveBack(key, connection, reusable)
      },
    }
  }

  private giveBack(key: string, connection: C, reusable: boolean): void {
    const group = this.group(key)
    group.busy--
    const keep = reusable && !this.closed && connection.usable && connection.transactions < this.options.maxUses
    if (keep) {
      const entry: Idle<C> = {
        connection,
        timer: setTimeout(() => {
          const at = group.idle.indexOf(entry)
          if (at >= 0) group.idle.splice(at, 1)
          void connection.quit()
          this.wake(key, group)
        }, this.options.idleTimeoutMs),
      }
      entry.timer.unref?.()
      group.idle.push(entry)
    } else if (connection.usable) {
      void connection.quit()
    } else {
      connection.abort()
    }
    this.wake(key, group)
  }

  private wake(key: string, group: Group<C>): void {
    const next = group.waiters.shift()
    if (next) {
      next()
      return
    }
    if (group.busy === 0 && group.idle.length === 0) this.groups.delete(key)
  }

  private group(key: string): Group<C> {
    let group = this.groups.get(key)
    if (group === undefined) {
      group = { idle: [], busy: 0, waiters: [] }
      this.groups.set(key, group)
    }
    return group
  }
}
