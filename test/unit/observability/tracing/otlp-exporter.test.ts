import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { createOtlpExporter } from '../../../../src/observability/tracing/otlp-exporter.ts'
import { Tracer } from '../../../../src/observability/tracing/tracer.ts'
import { attribute, type OtlpStub, startOtlpStub } from './support/otlp-stub.ts'

let stub: OtlpStub
beforeEach(() => {
  stub = startOtlpStub()
})
afterEach(async () => {
  await stub.stop()
})

const resource = { serviceName: 'mail-server', serviceVersion: 'test', hostName: 'mx.test' }

function setup(options: { batchSize?: number; maxQueueSize?: number; authorization?: string } = {}) {
  const metrics = new MetricsRegistry()
  const exporter = createOtlpExporter({
    endpoint: stub.url,
    resource,
    batchSize: options.batchSize ?? 100,
    maxQueueSize: options.maxQueueSize ?? 1000,
    authorization: options.authorization,
    metrics,
  })
  const tracer = new Tracer()
  tracer.attach({ sink: exporter.sink })
  const outcome = (o: string) => metrics.counter('tracing_spans_total', '').get({ outcome: o })
  return { exporter, tracer, outcome }
}

describe('OTLP exporter against a local collector', () => {
  test('flush sends buffered spans in batches the collector parses', async () => {
    const { exporter, tracer, outcome } = setup({ batchSize: 100 })
    for (let i = 0; i < 5; i++) tracer.startSpan(`op ${i}`, { i }, { kind: 'server' }).end('ok')
    expect(exporter.pending()).toBe(5)
    await exporter.flush()
    expect(exporter.pending()).toBe(0)
    expect(stub.requests).toHaveLength(1)
    const spans = stub.spans()
    expect(spans.map(s => s.name)).toEqual(['op 0', 'op 1', 'op 2', 'op 3', 'op 4'])
    expect(spans.map(s => attribute(s, 'i'))).toEqual([0, 1, 2, 3, 4])
    expect(spans[0]?.kind).toBe(2)
    expect(outcome('exported')).toBe(5)
  })

  test('a full batch goes out without waiting for flush; the rest in batches of batchSize', async () => {
    const { exporter, tracer } = setup({ batchSize: 3 })
    for (let i = 0; i < 3; i++) tracer.startSpan('x').end()
    await stub.waitForSpans(3)
    expect(stub.requests).toHaveLength(1)
    for (let i = 0; i < 7; i++) tracer.startSpan('y').end()
    await exporter.flush()
    expect(stub.spans()).toHaveLength(10)
    expect(stub.requests.map(r => r.resourceSpans[0]?.scopeSpans[0]?.spans.length).every(n => (n ?? 0) <= 3)).toBe(true)
  })

  test('a failing collector costs one batch, counted and logged, and the next flush works again', async () => {
    const { exporter, tracer, outcome } = setup()
    stub.failNext(1, 503)
    tracer.startSpan('lost').end()
    await exporter.flush()
    expect(outcome('failed')).toBe(1)
    tracer.startSpan('kept').end()
    await exporter.flush()
    expect(stub.spans().map(s => s.name)).toEqual(['kept'])
  })

  test('beyond maxQueueSize new spans are dropped and counted', async () => {
    const { exporter, tracer, outcome } = setup({ batchSize: 100, maxQueueSize: 4 })
    for (let i = 0; i < 6; i++) tracer.startSpan(`s${i}`).end()
    expect(exporter.pending()).toBe(4)
    expect(outcome('dropped')).toBe(2)
    await exporter.flush()
    expect(stub.spans().map(s => s.name)).toEqual(['s0', 's1', 's2', 's3'])
  })

  test('the Authorization header is sent when configured', async () => {
    const { exporter, tracer } = setup({ authorization: 'Bearer abc' })
    tracer.startSpan('x').end()
    await exporter.flush()
    expect(stub.headers[0]?.get('authorization')).toBe('Bearer abc')
  })

  test('an unreachable endpoint fails the batch without throwing', async () => {
    const metrics = new MetricsRegistry()
    const exporter = createOtlpExporter({
      endpoint: 'http://127.0.0.1:9/v1/traces',
      resource,
      batchSize: 10,
      maxQueueSize: 10,
      metrics,
    })
    const tracer = new Tracer()
    tracer.attach({ sink: exporter.sink })
    tracer.startSpan('x').end()
    await exporter.flush()
    expect(metrics.counter('tracing_spans_total', '').get({ outcome: 'failed' })).toBe(1)
  })
})
