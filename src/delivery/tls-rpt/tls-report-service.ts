// The background service that sends TLS-RPT reports (RFC 8460): registered in
// src/core/background-services.ts; once an hour it sends the reports of finished days. Report
// messages for mailto: destinations go through the outbound queue (which DKIM-signs them, §5.3),
// with NOTIFY=NEVER so a broken report address cannot start a bounce loop.
import type { Service } from '../../core/lifecycle.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { tlsRptPolicies } from '../../storage/db/schema-delivery.ts'
import type { TlsReporter } from './tls-reporter.ts'

export interface TlsReportServiceOptions {
  /** Between runs. Default one hour. */
  intervalMs?: number
  /** Before the first run after start. Default one minute. */
  firstRunMs?: number
}

export type TlsReportServiceDeps = Pick<ServerDeps, 'config' | 'logger' | 'clock' | 'storage' | 'resolver' | 'queue'>

export function createTlsReportService(deps: TlsReportServiceDeps, options: TlsReportServiceOptions = {}): Service {
  const logger = deps.logger.child({ component: 'tls-rpt' })
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<unknown> | null = null
  let stopped = false
  let reporter: TlsReporter | null = null

  // The reporter (trust store, gzip, HTTPS client) is loaded only once there is something to report:
  // a server that has sent no mail over TLS keeps none of it in memory (issue 3's idle RSS budget).
  const hasResults = () =>
    deps.storage.db.select({ id: tlsRptPolicies.id }).from(tlsRptPolicies).limit(1).all().length > 0
  const run = async () => {
    if (!reporter && !hasResults()) return
    const ready = reporter ?? (await import('./tls-report-runner.ts')).createConfiguredTlsReporter(deps, logger)
    reporter = await ready
    await reporter.sendDueReports()
  }

  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      timer = null
      running = run()
        .catch(e => logger.warn('TLS report run failed', { error: (e as Error).message }))
        .finally(() => {
          running = null
          if (!stopped) schedule(options.intervalMs ?? 3_600_000)
        })
    }, ms)
    timer.unref?.()
  }

  return {
    name: 'tls-rpt',
    start() {
      if (!deps.config.delivery.tlsRpt.enabled) return
      schedule(options.firstRunMs ?? 60_000)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
    },
  }
}
