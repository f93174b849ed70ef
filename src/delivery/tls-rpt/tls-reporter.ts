// Sends the daily aggregate reports (RFC 8460 §4, §5): for every finished UTC day and policy domain
// with counters, look up `_smtp._tls.<domain>`; if it asks for reports, gzip the JSON (§5.2) and
// deliver it to each rua: mailto: as a report message handed to `submit` (the outbound queue), https:
// as an HTTP POST of application/tlsrpt+gzip (§3, §5.2). Counters of domains that want no
// report are dropped; a domain whose report could not be delivered anywhere is retried at the next
// run, for up to `keepDays` days.
import { gzipSync } from 'node:zlib'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import { isNoRecord } from '../../security/dns/dns-error.ts'
import type { Resolver } from '../../security/dns/resolver.ts'
import { type HttpsClientOptions, httpsRequest } from '../mta-sts/https-request.ts'
import { buildTlsReport } from './build-tls-report.ts'
import { mailtoAddress, selectTlsRptRecord } from './parse-tls-rpt-record.ts'
import { buildReportMessage } from './report-message.ts'
import { type TlsReportStore, utcDay } from './tls-report-store.ts'

export interface ReportSubmission {
  /** Envelope sender and From. */
  sender: string
  recipient: string
  content: Uint8Array
}

/** Queue a report message (mailto: rua). */
export type SubmitReport = (submission: ReportSubmission) => Promise<void>

export interface TlsReporterOptions {
  store: TlsReportStore
  resolver: Resolver
  clock: Clock
  logger: Logger
  /** Our host name: the report submitter (§5.3). */
  submitter: string
  organizationName: string
  /** contact-info, and the From of report messages. */
  contactInfo: string
  submit: SubmitReport
  http: HttpsClientOptions
  /** Wait this long after midnight UTC before a day counts as finished (in-memory counters flush). */
  settleMs?: number
  /** Give up on a day's report after this many days. */
  keepDays?: number
}

export interface ReportOutcome {
  day: string
  policyDomain: string
  /** 'sent': at least one rua took it; 'no-record': the domain wants none; 'failed': kept for retry; 'expired': dropped. */
  result: 'sent' | 'no-record' | 'failed' | 'expired'
  destinations: string[]
}

const DAY_MS = 86_400_000

export interface TlsReporter {
  sendDueReports(): Promise<ReportOutcome[]>
}

export function createTlsReporter(options: TlsReporterOptions): TlsReporter {
  const { store, clock, logger } = options
  const settleMs = options.settleMs ?? 15 * 60_000
  const keepDays = options.keepDays ?? 3

  async function lookupRua(domain: string): Promise<URL[] | null | 'temporary'> {
    try {
      const record = selectTlsRptRecord(await options.resolver.resolveTxt(`_smtp._tls.${domain}`))
      return record?.ok ? record.record.rua : null
    } catch (e) {
      return isNoRecord(e) ? null : 'temporary'
    }
  }

  async function deliverTo(
    url: URL,
    day: string,
    domain: string,
    reportId: string,
    gzipped: Uint8Array,
  ): Promise<void> {
    if (url.protocol === 'https:') {
      const response = await httpsRequest(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/tlsrpt+gzip' },
          body: gzipped,
        },
        { ...options.http, maxBodyBytes: 64 * 1024 },
      )
      if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`)
      return
    }
    const begin = Date.parse(`${day}T00:00:00Z`) / 1000
    const content = buildReportMessage({
      from: options.contactInfo,
      to: mailtoAddress(url),
      submitter: options.submitter,
      policyDomain: domain,
      reportId,
      begin,
      end: begin + 86_400,
      gzipped,
      date: new Date(clock.now()),
      messageId: `${reportId.replace(/[^A-Za-z0-9._-]/g, '')}@${options.submitter}`,
    })
    await options.submit({ sender: options.contactInfo, recipient: mailtoAddress(url), content })
  }

  return {
    async sendDueReports() {
      const outcomes: ReportOutcome[] = []
      const now = clock.now()
      const oldest = utcDay(now - keepDays * DAY_MS)
      for (const day of store.pendingDays(utcDay(now - settleMs))) {
        for (const [domain, counts] of store.read(day)) {
          const rua = await lookupRua(domain)
          if (rua === null) {
            store.remove(day, domain)
            outcomes.push({ day, policyDomain: domain, result: 'no-record', destinations: [] })
            continue
          }
          if (rua === 'temporary') {
            const expired = day < oldest
            if (expired) store.remove(day, domain)
            outcomes.push({ day, policyDomain: domain, result: expired ? 'expired' : 'failed', destinations: [] })
            continue
          }
          const reportId = `${day}T00:00:00Z_${domain}_${crypto.randomUUID()}`
          const json = buildTlsReport(
            { organizationName: options.organizationName, contactInfo: options.contactInfo, reportId, day },
            counts,
          )
          const gzipped = gzipSync(Buffer.from(JSON.stringify(json)))
          const sent: string[] = []
          for (const url of rua) {
            try {
              await deliverTo(url, day, domain, reportId, gzipped)
              sent.push(url.href)
            } catch (e) {
              logger.warn('TLS report not delivered', { domain, day, rua: url.href, error: (e as Error).message })
            }
          }
          const expired = sent.length === 0 && day < oldest
          if (sent.length > 0 || expired) store.remove(day, domain)
          const result = sent.length > 0 ? 'sent' : expired ? 'expired' : 'failed'
          if (sent.length > 0) logger.info('TLS report sent', { domain, day, destinations: sent.length })
          outcomes.push({ day, policyDomain: domain, result, destinations: sent })
        }
      }
      return outcomes
    },
  }
}
