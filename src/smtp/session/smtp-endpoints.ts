// The SMTP listeners for the configuration (issue part 2): MX on 25 and submission on 587 in
// plaintext with STARTTLS (RFC 3207, RFC 6409), submission on 465 over implicit TLS (RFC 8314).
// Given the inbound pipeline, so tests can run the real endpoints with a pipeline of their own.
import type { LoginThrottle } from '../../auth/login-throttle.ts'
import type { ProtocolEndpoint } from '../../core/protocols.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import type { InboundPipeline, SmtpPort } from '../inbound/inbound-types.ts'
import { lazySessionFactory } from '../../net/lazy-session-factory.ts'
import { sessionSettings } from './session-settings.ts'
import { createSmtpMetrics } from './smtp-metrics.ts'

export interface SmtpEndpointOptions {
  /** Shared with IMAP/POP3 logins once those exist; a fresh one per call otherwise. */
  throttle?: LoginThrottle
}

/** RFC 5321 §3.8 / §4.2.2: 421 when the server cannot take the connection now. */
export const busyMessage = (hostname: string) => `421 4.7.0 ${hostname} Too many connections, try again later\r\n`

export function smtpEndpoints(
  deps: ServerDeps,
  /** The pipeline, or a loader the first connection calls (memoize it: one pipeline for all ports). */
  pipeline: InboundPipeline | (() => Promise<InboundPipeline>),
  options: SmtpEndpointOptions = {},
): ProtocolEndpoint[] {
  const { config } = deps
  // One throttle for every protocol (ServerDeps), so guessing over IMAP counts against SMTP too.
  const throttle = options.throttle ?? deps.loginThrottle
  const metrics = createSmtpMetrics(deps.metrics)
  const listeners: {
    name: string
    port: SmtpPort
    tls: 'none' | 'implicit'
    listener: { enabled: boolean; port: number }
  }[] = [
    { name: 'smtp', port: 'mx', tls: 'none', listener: config.smtp.mx },
    { name: 'submission', port: 'submission', tls: 'none', listener: config.smtp.submission },
    { name: 'submissions', port: 'submissions', tls: 'implicit', listener: config.smtp.submissions },
  ]
  return listeners
    .filter(l => l.listener.enabled)
    .map(l => ({
      name: l.name,
      port: l.listener.port,
      tls: l.tls,
      busyMessage: busyMessage(config.hostname),
      // The session code loads on the first connection (net/lazy-session-factory.ts: idle memory).
      factory: lazySessionFactory(async () => {
        const [{ createSmtpSessionFactory }, inbound] = await Promise.all([
          import('./session-factory.ts'),
          typeof pipeline === 'function' ? pipeline() : pipeline,
        ])
        return createSmtpSessionFactory({
          settings: sessionSettings(config, l.port, l.tls),
          pipeline: inbound,
          accounts: deps.storage.accounts,
          throttle,
          metrics,
        })
      }),
    }))
}
