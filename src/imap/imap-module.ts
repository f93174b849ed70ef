// The IMAP protocol module `serve` starts (core/protocols.ts): IMAP with STARTTLS on 143 and over
// implicit TLS on 993 (RFC 8314), from config.imap.plain / config.imap.tls. Both endpoints share
// the login throttle (with SMTP and POP3), the metrics, the \Recent tracker and the UID snapshots.
import type { ProtocolEndpoint, ProtocolModule } from '../core/protocols.ts'
import type { ServerDeps } from '../core/server-deps.ts'
import { createImapMetrics } from './session/imap-metrics.ts'
import { createRecentTracker } from './session/recent-tracker.ts'
import { lazySessionFactory } from '../net/lazy-session-factory.ts'
import { imapSessionSettings } from './session/session-settings.ts'
import { UidSnapshots } from './session/uid-snapshots.ts'

/** RFC 9051 §7.1.5: BYE when the server will not serve this connection. */
export const IMAP_BUSY_MESSAGE = '* BYE Too many connections\r\n'

export function imapEndpoints(deps: ServerDeps): ProtocolEndpoint[] {
  const { config } = deps
  const metrics = createImapMetrics(deps.metrics)
  const recent = createRecentTracker()
  const uidSnapshots = new UidSnapshots()
  const endpoints = [
    { name: 'imap', tls: 'none', listener: config.imap.plain },
    { name: 'imaps', tls: 'implicit', listener: config.imap.tls },
  ] as const
  return endpoints
    .filter(e => e.listener.enabled)
    .map(e => ({
      name: e.name,
      port: e.listener.port,
      tls: e.tls,
      busyMessage: IMAP_BUSY_MESSAGE,
      // The session code loads on the first connection (net/lazy-session-factory.ts: idle memory).
      factory: lazySessionFactory(() =>
        import('./session/session-factory.ts').then(m =>
          m.createImapSessionFactory({
            settings: imapSessionSettings(config, e.name),
            storage: deps.storage,
            throttle: deps.loginThrottle,
            metrics,
            recent,
            uidSnapshots,
          }),
        ),
      ),
    }))
}

export const imapModule: ProtocolModule = imapEndpoints
