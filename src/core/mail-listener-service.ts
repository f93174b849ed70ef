// Starts every enabled protocol endpoint on every bind address through src/net, with one shared
// connection limiter so limits.maxConnections is a process-wide total.
import { createConnectionLimiter } from '../net/connection-limits.ts'
import { type RunningListener, startListener } from '../net/listener.ts'
import type { Service } from './lifecycle.ts'
import type { ProtocolEndpoint } from './protocols.ts'
import type { ServerDeps } from './server-deps.ts'

export interface MailListenerService extends Service {
  listeners(): readonly RunningListener[]
  /** Open connections across every mail listener. */
  connections(): number
}

export function createMailListenerService(
  deps: ServerDeps,
  endpoints: readonly ProtocolEndpoint[],
): MailListenerService {
  const { config, logger } = deps
  const limiter = createConnectionLimiter({
    maxConnections: config.limits.maxConnections,
    maxConnectionsPerIp: config.limits.maxConnectionsPerIp,
  })
  let running: RunningListener[] = []
  return {
    name: 'mail-listeners',
    start() {
      for (const endpoint of endpoints)
        for (const hostname of config.bind)
          running.push(
            startListener({
              name: endpoint.name,
              hostname,
              port: endpoint.port,
              tls: endpoint.tls,
              tlsProvider: deps.certificates,
              minTlsVersion: config.tls.minVersion,
              factory: endpoint.factory,
              limiter,
              limits: { idleTimeoutMs: config.limits.idleTimeoutSeconds * 1000 },
              busyMessage: endpoint.busyMessage,
              logger,
            }),
          )
      for (const l of running) logger.info('listening', { proto: l.name, address: l.hostname, port: l.port })
    },
    async stop(graceMs) {
      await Promise.all(running.map(l => l.stop({ graceMs })))
      running = []
    },
    listeners: () => running,
    connections: () => running.reduce((n, l) => n + l.connections, 0),
  }
}
