// A local OTLP/HTTP collector stand-in: accepts POST /v1/traces, checks the JSON shape an OTLP
// receiver requires, and keeps the decoded requests. `failNext` makes the next requests fail.
import type { OtlpSpan, OtlpTraceRequest } from '../../../../../src/observability/tracing/otlp-json.ts'

export interface OtlpStub {
  url: string
  requests: OtlpTraceRequest[]
  headers: Headers[]
  spans(): OtlpSpan[]
  failNext(count: number, status?: number): void
  /** Resolves once at least `count` spans arrived. */
  waitForSpans(count: number): Promise<OtlpSpan[]>
  stop(): Promise<void>
}

const HEX = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`)

/** Throws when `body` is not an ExportTraceServiceRequest in OTLP's JSON encoding. */
export function assertOtlpShape(body: unknown): asserts body is OtlpTraceRequest {
  const req = body as OtlpTraceRequest
  if (!Array.isArray(req.resourceSpans)) throw new Error('resourceSpans missing')
  for (const rs of req.resourceSpans) {
    if (!Array.isArray(rs.resource?.attributes)) throw new Error('resource.attributes missing')
    for (const ss of rs.scopeSpans) {
      if (typeof ss.scope?.name !== 'string') throw new Error('scope.name missing')
      for (const span of ss.spans) {
        if (!HEX(32).test(span.traceId)) throw new Error(`bad traceId ${span.traceId}`)
        if (!HEX(16).test(span.spanId)) throw new Error(`bad spanId ${span.spanId}`)
        if (span.parentSpanId !== undefined && !HEX(16).test(span.parentSpanId)) throw new Error('bad parentSpanId')
        if (!/^\d+$/.test(span.startTimeUnixNano) || !/^\d+$/.test(span.endTimeUnixNano))
          throw new Error('timestamps must be decimal strings')
        if (BigInt(span.endTimeUnixNano) < BigInt(span.startTimeUnixNano)) throw new Error('span ends before it starts')
        if (![0, 1, 2, 3, 4, 5].includes(span.kind)) throw new Error('bad kind')
        if (![0, 1, 2].includes(span.status.code)) throw new Error('bad status code')
      }
    }
  }
}

export function startOtlpStub(): OtlpStub {
  const requests: OtlpTraceRequest[] = []
  const headers: Headers[] = []
  let failures: { count: number; status: number } = { count: 0, status: 500 }
  let waiters: { count: number; resolve: () => void }[] = []
  const all = () => requests.flatMap(r => r.resourceSpans.flatMap(rs => rs.scopeSpans.flatMap(ss => ss.spans)))
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      if (req.method !== 'POST' || new URL(req.url).pathname !== '/v1/traces')
        return new Response('no', { status: 404 })
      if (failures.count > 0) {
        failures.count--
        return new Response('unavailable', { status: failures.status })
      }
      if (req.headers.get('content-type') !== 'application/json') return new Response('json only', { status: 415 })
      const body = await req.json()
      try {
        assertOtlpShape(body)
      } catch (e) {
        return new Response(String(e), { status: 400 })
      }
      requests.push(body)
      headers.push(req.headers)
      const n = all().length
      waiters = waiters.filter(w => (n >= w.count ? (w.resolve(), false) : true))
      return Response.json({ partialSuccess: {} })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/v1/traces`,
    requests,
    headers,
    spans: all,
    failNext(count, status = 500) {
      failures = { count, status }
    },
    waitForSpans(count) {
      if (all().length >= count) return Promise.resolve(all())
      return new Promise(resolve => waiters.push({ count, resolve: () => resolve(all()) }))
    },
    stop: () => server.stop(true),
  }
}

/** An attribute's value as a plain JS value. */
export function attribute(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = span.attributes.find(a => a.key === key)?.value
  if (v === undefined) return undefined
  if ('stringValue' in v) return v.stringValue
  if ('boolValue' in v) return v.boolValue
  if ('intValue' in v) return Number(v.intValue)
  return v.doubleValue
}
