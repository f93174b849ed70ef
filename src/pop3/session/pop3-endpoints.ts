// The POP3 listeners for the configuration: 110 in plaintext with STLS (RFC 2595) and 995 over
// implicit TLS (RFC 8314). The maildrop locks, the wire-size cache and the metrics are created once
// here and shared by both, so a mailbox is locked across ports; the login throttle comes from
// ServerDeps and is shared with SMTP and IMAP.
import type { ProtocolEndpoint } from '../../core/protocols.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { lazySessionFactory } from '../../net/lazy-session-factory.ts'
import type { Transport } from '../../net/transport.ts'
import { errLine } from '../protocol/response.ts'
import { createMaildropLocks, type MaildropLocks } from './maildrop-locks.ts'
import { createPop3Metrics } from './pop3-metrics.ts'
import type { Pop3SessionDeps } from './session-context.ts'
import { pop3SessionSettings } from './session-settings.ts'
import { createWireSizeCache, type WireSizeCache } from './wire-size-cache.ts'

export interface Pop3EndpointOptions {
  /** Tests pass their own to look at the locks. */
  locks?: MaildropLocks
  sizes?: WireSizeCache
}

/** Answer to a connection over the connection limits (RFC 3206 §4 SYS/TEMP: try again later). */
export const pop3BusyMessage = errLine('too many connections; try again later', 'SYS/TEMP')

export function pop3Endpoints(deps: ServerDeps, options: Pop3EndpointOptions = {}): ProtocolEndpoint[] {
  const { config } = deps
  const locks = options.locks ?? createMaildropLocks()
  const sizes = options.sizes ?? createWireSizeCache()
  const metrics = createPop3Metrics(deps.metrics)
  const listeners = [
    { name: 'pop3', tls: 'none' as const, listener: config.pop3.plain },
    { name: 'pop3s', tls: 'implicit' as const, listener: config.pop3.tls },
  ]
  return listeners
    .filter(l => l.listener.enabled)
    .map(l => {
      const sessionDeps: Pop3SessionDeps = {
        settings: pop3SessionSettings(config, l.tls),
        storage: deps.storage,
        throttle: deps.loginThrottle,
        locks,
        sizes,
        metrics,
      }
      return {
        name: l.name,
        port: l.listener.port,
        tls: l.tls,
        busyMessage: pop3BusyMessage,
        // The session code loads on the first connection (net/lazy-session-factory.ts: idle memory).
        factory: lazySessionFactory(() =>
          import('./pop3-session.ts').then(m => (transport: Transport) => new m.Pop3Session(transport, sessionDeps)),
        ),
      }
    })
}
