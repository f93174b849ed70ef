// SMTP events for the process-wide metrics registry (issue part 6). Created once per server and
// shared by the three listeners; the `port` label is the listener kind (mx, submission, submissions).
import type { Counter, Gauge, Labels, MetricsRegistry } from '../../observability/metrics.ts'
import type { Tracer } from '../../observability/tracing/tracer.ts'
import type { SmtpReply } from '../protocol/reply.ts'

/** Why a reply refused something; a small fixed set, so label cardinality stays bounded. */
export type RejectionReason =
  | 'early_talker'
  | 'http'
  | 'too_many_errors'
  | 'timeout'
  | 'shutdown'
  | 'syntax'
  | 'bad_sequence'
  | 'auth_required'
  | 'auth_failed'
  | 'auth_throttled'
  | 'tls'
  | 'size'
  | 'too_many_recipients'
  | 'bare_line_ending'
  | 'line_too_long'
  | 'input_overflow'

export type MessageResult = 'accepted' | 'deferred' | 'rejected'

export interface SmtpMetrics {
  connections: Counter
  active: Gauge
  messages: Counter
  rejections: Counter
  bytesReceived: Counter
  authFailures: Counter
  tracer: Tracer
  /** One shared label object per listener kind (and per message result), so counting an event does
   *  not rebuild the series key: the registry finds a series by its label object first. */
  portLabels(port: string): Labels
  resultLabels(port: string, result: MessageResult): Labels
}

export function createSmtpMetrics(registry: MetricsRegistry): SmtpMetrics {
  const labels = sharedLabels()
  return {
    connections: registry.counter('smtp_connections_total', 'SMTP connections accepted'),
    active: registry.gauge('smtp_active_connections', 'SMTP connections open now'),
    messages: registry.counter('smtp_messages_total', 'Messages at the end of DATA/BDAT, by result'),
    rejections: registry.counter('smtp_rejections_total', 'SMTP replies refusing a command, by reason'),
    bytesReceived: registry.counter('smtp_bytes_received_total', 'Bytes received from SMTP clients'),
    authFailures: registry.counter('auth_failures_total', 'Failed logins, by protocol'),
    tracer: registry.tracer,
    portLabels: port => labels(port, () => ({ port })),
    resultLabels: (port, result) => labels(`${port}\u0000${result}`, () => ({ port, result })),
  }
}

/** Frozen label objects by key, each made once. */
function sharedLabels(): (key: string, make: () => Labels) => Labels {
  const known = new Map<string, Labels>()
  return (key, make) => {
    let found = known.get(key)
    if (found === undefined) {
      found = Object.freeze(make())
      known.set(key, found)
    }
    return found
  }
}

/** The result label of an end-of-data reply. */
export const messageResult = (reply: SmtpReply): MessageResult =>
  reply.code < 400 ? 'accepted' : reply.code < 500 ? 'deferred' : 'rejected'

/** The rejection reason of an error reply to `verb` (null for success replies). */
export function rejectionReason(verb: string | null, reply: SmtpReply): RejectionReason | null {
  const { code, enhanced } = reply
  if (code < 400) return null
  if (code === 503) return 'bad_sequence'
  if (code >= 500 && code <= 504) return 'syntax'
  if (code === 555) return 'syntax'
  if (code === 530 && verb === 'STARTTLS') return 'tls'
  if (code === 530) return 'auth_required'
  if (code === 535 || code === 538 || code === 534) return 'auth_failed'
  if (code === 454 && verb === 'AUTH') return 'auth_throttled'
  if (code === 454) return 'tls'
  if (code === 552 && enhanced === '5.3.4') return 'size'
  if (code === 452 && enhanced === '4.5.3') return 'too_many_recipients'
  if (code === 550 && enhanced === '5.5.2') return 'bare_line_ending'
  if (code === 554 && enhanced === '5.6.0') return 'line_too_long'
  // Policy refusals (unknown user, relaying, send-as, quota, DMARC, storage) come from the inbound
  // pipeline, which counts them under the same metric with a precise reason: counting here too
  // would count each twice.
  return null
}
