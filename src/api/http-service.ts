// Bun.serve adapter for the Hono app, one server per bind address. Graceful stop: stop accepting,
// let in-flight requests finish within the grace period, then close what is left.
import type { Hono } from 'hono'
import type { Service } from '../core/lifecycle.ts'
import type { Logger } from '../core/logger.ts'

export interface HttpServiceOptions {
  app: Hono
  bind: readonly string[]
  port: number
  logger: Logger
}

export interface HttpService extends Service {
  /** Bound ports, one per bind address (differ only when port 0 was asked for). */
  ports(): number[]
}

export function createHttpService(options: HttpServiceOptions): HttpService {
  let servers: ReturnType<typeof Bun.serve>[] = []
  return {
    name: 'http',
    start() {
      servers = options.bind.map(hostname =>
        Bun.serve({ hostname, port: options.port, fetch: options.app.fetch, idleTimeout: 60 }),
      )
      for (const s of servers) options.logger.info('http listening', { address: s.hostname, port: s.port })
    },
    async stop(graceMs) {
      const closing = Promise.all(servers.map(s => s.stop(false)))
      const timedOut = await Promise.race([closing.then(() => false), Bun.sleep(graceMs).then(() => true)])
      if (timedOut) await Promise.all(servers.map(s => s.stop(true)))
      servers = []
    },
    ports: () => servers.map(s => s.port ?? 0),
  }
}
