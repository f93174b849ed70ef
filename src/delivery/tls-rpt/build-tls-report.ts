// The aggregate report (RFC 8460 §4.4) for one policy domain and one UTC day, as JSON:
// organization-name, date-range, contact-info, report-id, and per applied policy its summary and
// failure-details. Field names and nesting follow the RFC's example (§4.4 and Appendix B).
import type { PolicyCounts } from './tls-report-store.ts'

export interface TlsReportMeta {
  organizationName: string
  contactInfo: string
  reportId: string
  /** YYYY-MM-DD (UTC). */
  day: string
}

export interface TlsReportJson {
  'organization-name': string
  'date-range': { 'start-datetime': string; 'end-datetime': string }
  'contact-info': string
  'report-id': string
  policies: {
    policy: { 'policy-type': string; 'policy-string': string[]; 'policy-domain': string; 'mx-host': string[] }
    summary: { 'total-successful-session-count': number; 'total-failure-session-count': number }
    'failure-details'?: Record<string, string | number>[]
  }[]
}

/** §4.4: the day's range, midnight to the last second, RFC 3339 UTC. */
export function dayRange(day: string): { start: string; end: string } {
  return { start: `${day}T00:00:00Z`, end: `${day}T23:59:59Z` }
}

export function buildTlsReport(meta: TlsReportMeta, counts: readonly PolicyCounts[]): TlsReportJson {
  const range = dayRange(meta.day)
  return {
    'organization-name': meta.organizationName,
    'date-range': { 'start-datetime': range.start, 'end-datetime': range.end },
    'contact-info': meta.contactInfo,
    'report-id': meta.reportId,
    policies: counts.map(c => {
      const failureDetails = c.failures.map(f => {
        // Optional fields are left out rather than sent empty.
        const detail: Record<string, string | number> = { 'result-type': f.resultType }
        if (f.sendingMtaIp) detail['sending-mta-ip'] = f.sendingMtaIp
        if (f.receivingMxHostname) detail['receiving-mx-hostname'] = f.receivingMxHostname
        if (f.receivingMxHelo) detail['receiving-mx-helo'] = f.receivingMxHelo
        if (f.receivingIp) detail['receiving-ip'] = f.receivingIp
        detail['failed-session-count'] = f.failedSessionCount
        if (f.failureReasonCode) detail['failure-reason-code'] = f.failureReasonCode
        return detail
      })
      return {
        policy: {
          'policy-type': c.policy.policyType,
          'policy-string': [...c.policy.policyString],
          'policy-domain': c.policy.policyDomain,
          'mx-host': [...c.policy.mxHost],
        },
        summary: {
          'total-successful-session-count': c.successCount,
          'total-failure-session-count': c.failureCount,
        },
        ...(failureDetails.length > 0 ? { 'failure-details': failureDetails } : {}),
      }
    }),
  }
}
