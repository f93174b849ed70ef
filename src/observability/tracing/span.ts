// What a traced operation records (the OpenTelemetry trace data model, reduced to what the mail
// server uses): ids, name, kind, start/end, attributes and a status. Ids are random hex strings, the
// form the OTLP/JSON encoding carries them in (OTLP specification, "JSON Protobuf Encoding").

export type AttributeValue = string | number | boolean
export type SpanAttributes = Record<string, AttributeValue>

/** OpenTelemetry SpanKind: a server span handles a request from a client (SMTP, IMAP). */
export type SpanKind = 'internal' | 'server' | 'client'

/** OpenTelemetry status: unset (nothing known), ok, or error with a message. */
export type SpanStatus = 'unset' | 'ok' | 'error'

export interface FinishedSpan {
  /** 32 lower-case hex digits (16 bytes). */
  traceId: string
  /** 16 lower-case hex digits (8 bytes). */
  spanId: string
  parentSpanId: string | null
  name: string
  kind: SpanKind
  /** Milliseconds since the Unix epoch, fractional (sub-millisecond precision where available). */
  startTimeMs: number
  endTimeMs: number
  attributes: SpanAttributes
  status: SpanStatus
  statusMessage: string | null
}

export interface Span {
  /** False for the no-op span handed out when tracing is off or the operation was not sampled. */
  readonly recording: boolean
  readonly traceId: string
  readonly spanId: string
  setAttribute(key: string, value: AttributeValue): void
  setAttributes(attributes: SpanAttributes): void
  /** Record the span; later calls are ignored (a span ends once). */
  end(status?: SpanStatus, message?: string): void
}

const hex = (bytes: number): string => {
  const b = crypto.getRandomValues(new Uint8Array(bytes))
  let out = ''
  for (const byte of b) out += byte.toString(16).padStart(2, '0')
  return out
}

/** A trace id is valid when not all zero (W3C Trace Context §3.2.2.3); 16 random bytes never are in practice. */
export const newTraceId = (): string => hex(16)
export const newSpanId = (): string => hex(8)

/** Handed out when nothing is recorded, so call sites never branch on whether tracing is on. */
export const noopSpan: Span = Object.freeze({
  recording: false,
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  setAttribute() {},
  setAttributes() {},
  end() {},
})
