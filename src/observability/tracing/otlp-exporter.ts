// Batches finished spans and POSTs them to an OTLP/HTTP traces endpoint as JSON. Spans are buffered
// up to maxQueueSize (beyond that new spans are dropped and counted, so a dead collector never grows
// memory); a full batch is sent at once, the rest when flush() runs (on an interval and at stop).
// One request is in flight at a time. A failed request drops its batch with a warning: traces are
// diagnostics, and holding them back would only delay the newer ones.
import { errorMessage } from '../../core/errors.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import type { MetricsRegistry } from '../metrics.ts'
import { encodeTraceRequest, type OtlpResource } from './otlp-json.ts'
import type { FinishedSpan } from './span.ts'
import type { SpanSink } from './tracer.ts'

export interface OtlpExporterOptions {
  /** Full URL, e.g. http://127.0.0.1:4318/v1/traces (OTLP/HTTP default path). */
  endpoint: string
  /** Sent as the Authorization header when not empty (never logged). */
  authorization?: string
  resource: OtlpResource
  batchSize: number
  maxQueueSize: number
  timeoutMs?: number
  logger?: Logger
  /** Counts exported, dropped and failed spans when given. */
  metrics?: MetricsRegistry
  fetch?: typeof fetch
}

export interface OtlpExporter {
  readonly sink: SpanSink
  /** Send everything buffered now, in batches; resolves when the buffer is empty or a request failed. */
  flush(): Promise<void>
  /** Spans waiting to be sent. */
  pending(): number
}

export function createOtlpExporter(options: OtlpExporterOptions): OtlpExporter {
  const logger = (options.logger ?? silentLogger).child({ component: 'otlp' })
  const doFetch = options.fetch ?? fetch
  const counter = options.metrics?.counter(
    'tracing_spans_total',
    'Finished spans by outcome (exported, dropped, failed)',
  )
  let buffer: FinishedSpan[] = []
  let inFlight: Promise<boolean> | null = null

  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.authorization) headers.authorization = options.authorization

  async function send(batch: FinishedSpan[]): Promise<boolean> {
    try {
      const res = await doFetch(options.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(encodeTraceRequest(options.resource, batch)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      await res.arrayBuffer().catch(() => undefined) // release the connection
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      counter?.inc({ outcome: 'exported' }, batch.length)
      return true
    } catch (e) {
      counter?.inc({ outcome: 'failed' }, batch.length)
      logger.warn('trace export failed; batch dropped', { spans: batch.length, error: errorMessage(e) })
      return false
    }
  }

  async function flush(): Promise<void> {
    for (;;) {
      if (inFlight) {
        if (!(await inFlight)) return
        continue
      }
      if (buffer.length === 0) return
      const batch = buffer.slice(0, options.batchSize)
      buffer = buffer.slice(batch.length)
      inFlight = send(batch).finally(() => {
        inFlight = null
      })
    }
  }

  return {
    sink(span) {
      if (buffer.length >= options.maxQueueSize) {
        counter?.inc({ outcome: 'dropped' })
        return
      }
      buffer.push(span)
      if (buffer.length >= options.batchSize && inFlight === null) void flush()
    },
    flush,
    pending: () => buffer.length,
  }
}
