// The background service that sends TLS-RPT reports (RFC 8460): registered in
// src/core/background-services.ts; once an hour it sends the reports of finished days. Report
// messages for mailto: destinations go through the outbound queue (which DKIM-signs them, §5.3),
// with NOTIFY=NEVER so a broken report address cannot start a bounce loop.
import type { Service } from '../../core/lifecycle.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { resolveHostAddresses } from '../direct/resolve-mx-hosts.ts'
import { loadTrustStore } from '../smtp-client/trust-store.ts'
import { createTlsReportStore } from './tls-report-store.ts'
import { type TlsReporter, createTlsReporter } from './tls-reporter.ts'

export interface TlsReportServiceOptions {
  /** Between runs. Default one hour. */
  intervalMs?: number
  /** Before the first run after start. Default one minute. */
  firstRunMs?: number
}

type Deps = Pick<ServerDeps, 'config' | 'logger' | 'clock' | 'storage' | 'resolver' | 'queue'>

export function createTlsReportService(deps: Deps, options: TlsReportServiceOptions = {}): Service {
  const logger = deps.logger.child({ component: 'tls-rpt' })
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<unknown> | null = null
  let stopped = false

  const schedule = (reporter: TlsReporter, ms: number) => {
    timer = setTimeout(() => {
      timer = null
      running = reporter
        .sendDueReports()
        .catch(e => logger.warn('TLS report run failed', { error: (e as Error).message }))
        .finally(() => {
          running = null
          if (!stopped) schedule(reporter, options.intervalMs ?? 3_600_000)
        })
    }, ms)
    timer.unref?.()
  }

  return {
    name: 'tls-rpt',
    async start() {
      const { config } = deps
      if (!config.delivery.tlsRpt.enabled) return
      const trust = await loadTrustStore(config.delivery.trustedCaFiles)
      const contact = config.delivery.tlsRpt.contactInfo || `postmaster@${config.hostname}`
      const reporter = createTlsReporter({
        store: createTlsReportStore({ db: deps.storage.db, clock: deps.clock, logger, flushIntervalMs: 0 }),
        resolver: deps.resolver,
        clock: deps.clock,
        logger,
        submitter: config.hostname,
        organizationName: config.delivery.tlsRpt.organizationName || config.hostname,
        contactInfo: contact,
        submit: async report => {
          await deps.queue.enqueue({
            sender: report.sender,
            recipients: [{ address: report.recipient, notify: ['NEVER'], orcpt: null }],
            content: report.content,
          })
        },
        http: {
          trust,
          resolveHost: name => resolveHostAddresses(deps.resolver, name),
          timeoutMs: config.delivery.connectTimeoutSeconds * 1000,
          maxBodyBytes: 64 * 1024,
        },
      })
      schedule(reporter, options.firstRunMs ?? 60_000)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
    },
  }
}
