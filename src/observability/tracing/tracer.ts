// Starts spans and hands finished ones to a sink (the OTLP batch exporter). Until a sink attaches
// every span is the shared no-op span, so the protocols pay one branch per operation when tracing
// is off. Sampling is head-based: the decision is taken when a span without parent starts.
import {
  type FinishedSpan,
  newSpanId,
  newTraceId,
  noopSpan,
  type Span,
  type SpanAttributes,
  type SpanKind,
} from './span.ts'

export type SpanSink = (span: FinishedSpan) => void

export interface TracerAttachOptions {
  sink: SpanSink
  /** Share of root spans recorded, 0..1. */
  sampleRatio?: number
  /** Wall-clock milliseconds, fractional; default performance.timeOrigin + performance.now(). */
  now?: () => number
  /** Uniform [0, 1); tests make sampling deterministic. */
  random?: () => number
}

export interface StartSpanOptions {
  kind?: SpanKind
  /** A recording parent puts the new span in its trace; a no-op parent means "not sampled". */
  parent?: Span
}

const preciseNow = () => performance.timeOrigin + performance.now()

export class Tracer {
  private sink: SpanSink | null = null
  private sampleRatio = 1
  private now: () => number = preciseNow
  private random: () => number = Math.random

  get enabled(): boolean {
    return this.sink !== null
  }

  /** Start recording into `sink`; returns the function that stops it again. */
  attach(options: TracerAttachOptions): () => void {
    const sink = options.sink
    this.sink = sink
    this.sampleRatio = options.sampleRatio ?? 1
    this.now = options.now ?? preciseNow
    this.random = options.random ?? Math.random
    return () => {
      if (this.sink === sink) this.sink = null
    }
  }

  startSpan(name: string, attributes: SpanAttributes = {}, options: StartSpanOptions = {}): Span {
    const sink = this.sink
    if (sink === null) return noopSpan
    const parent = options.parent
    if (parent !== undefined && !parent.recording) return noopSpan
    if (parent === undefined && !(this.random() < this.sampleRatio)) return noopSpan
    const now = this.now
    const finished: FinishedSpan = {
      traceId: parent?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      parentSpanId: parent?.spanId ?? null,
      name,
      kind: options.kind ?? 'internal',
      startTimeMs: now(),
      endTimeMs: 0,
      attributes: { ...attributes },
      status: 'unset',
      statusMessage: null,
    }
    let ended = false
    return {
      recording: true,
      traceId: finished.traceId,
      spanId: finished.spanId,
      setAttribute(key, value) {
        if (!ended) finished.attributes[key] = value
      },
      setAttributes(more) {
        if (!ended) Object.assign(finished.attributes, more)
      },
      end(status = 'unset', message) {
        if (ended) return
        ended = true
        finished.endTimeMs = now()
        finished.status = status
        finished.statusMessage = message ?? null
        sink(finished)
      },
    }
  }
}
