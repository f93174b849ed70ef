// The configured TLS-RPT reporter (RFC 8460 §3): trust store for https: destinations, the report
// store, and submission of mailto: reports through the outbound queue with NOTIFY=NEVER, so a broken
// report address cannot start a bounce loop. Loaded by tls-report-service.ts on the first run that
// has results to report.
import type { Logger } from '../../core/logger.ts'
import { resolveHostAddresses } from '../direct/resolve-mx-hosts.ts'
import { loadTrustStore } from '../smtp-client/trust-store.ts'
import type { TlsReportServiceDeps } from './tls-report-service.ts'
import { createTlsReportStore } from './tls-report-store.ts'
import { type TlsReporter, createTlsReporter } from './tls-reporter.ts'

export async function createConfiguredTlsReporter(deps: TlsReportServiceDeps, logger: Logger): Promise<TlsReporter> {
  const { config } = deps
  const trust = await loadTrustStore(config.delivery.trustedCaFiles)
  const contact = config.delivery.tlsRpt.contactInfo || `postmaster@${config.hostname}`
  return createTlsReporter({
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
}
