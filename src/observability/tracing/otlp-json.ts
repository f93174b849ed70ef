// Finished spans → an OTLP ExportTraceServiceRequest in the JSON encoding of OTLP/HTTP
// (opentelemetry-proto, "JSON Protobuf Encoding"): trace and span ids as hex strings (not base64),
// enums as integers, 64-bit integers (timestamps, intValue) as decimal strings.
import type { AttributeValue, FinishedSpan, SpanAttributes, SpanKind, SpanStatus } from './span.ts'

export interface OtlpResource {
  serviceName: string
  serviceVersion: string
  hostName: string
}

type OtlpAnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number }

export interface OtlpKeyValue {
  key: string
  value: OtlpAnyValue
}

export interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  startTimeUnixNano: string
  endTimeUnixNano: string
  attributes: OtlpKeyValue[]
  status: { code: number; message?: string }
}

export interface OtlpTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] }
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[]
  }[]
}

// opentelemetry-proto trace.proto: Span.SpanKind and Status.StatusCode.
const SPAN_KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 }
const STATUS_CODE: Record<SpanStatus, number> = { unset: 0, ok: 1, error: 2 }

function anyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value }
}

export const keyValues = (attributes: SpanAttributes): OtlpKeyValue[] =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }))

/** Fractional epoch milliseconds → decimal nanoseconds, without losing digits to float precision. */
export function unixNano(ms: number): string {
  const whole = Math.floor(ms)
  const fraction = Math.round((ms - whole) * 1e6)
  return (BigInt(whole) * 1_000_000n + BigInt(fraction)).toString()
}

export function encodeSpan(span: FinishedSpan): OtlpSpan {
  const out: OtlpSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: SPAN_KIND[span.kind],
    startTimeUnixNano: unixNano(span.startTimeMs),
    endTimeUnixNano: unixNano(span.endTimeMs),
    attributes: keyValues(span.attributes),
    status: { code: STATUS_CODE[span.status] },
  }
  if (span.parentSpanId !== null) out.parentSpanId = span.parentSpanId
  if (span.statusMessage !== null) out.status.message = span.statusMessage
  return out
}

export function encodeTraceRequest(resource: OtlpResource, spans: readonly FinishedSpan[]): OtlpTraceRequest {
  return {
    resourceSpans: [
      {
        // OpenTelemetry semantic conventions: service.name, service.version, host.name.
        resource: {
          attributes: keyValues({
            'service.name': resource.serviceName,
            'service.version': resource.serviceVersion,
            'host.name': resource.hostName,
          }),
        },
        scopeSpans: [
          { scope: { name: 'mail-server', version: resource.serviceVersion }, spans: spans.map(encodeSpan) },
        ],
      },
    ],
  }
}
