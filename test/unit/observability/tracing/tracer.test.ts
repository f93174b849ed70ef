import { describe, expect, test } from 'bun:test'
import type { FinishedSpan } from '../../../../src/observability/tracing/span.ts'
import { Tracer } from '../../../../src/observability/tracing/tracer.ts'

const recorder = () => {
  const spans: FinishedSpan[] = []
  return { spans, sink: (s: FinishedSpan) => spans.push(s) }
}

describe('Tracer', () => {
  test('records nothing until a sink attaches, and again after detaching', () => {
    const tracer = new Tracer()
    const r = recorder()
    const off = tracer.startSpan('a')
    expect(off.recording).toBe(false)
    off.end('ok')
    const detach = tracer.attach({ sink: r.sink })
    expect(tracer.enabled).toBe(true)
    tracer.startSpan('b').end()
    detach()
    expect(tracer.enabled).toBe(false)
    tracer.startSpan('c').end()
    expect(r.spans.map(s => s.name)).toEqual(['b'])
  })

  test('a span carries attributes, kind, status and times from the injected clock; ends once', () => {
    const tracer = new Tracer()
    const r = recorder()
    let now = 1_000.25
    tracer.attach({ sink: r.sink, now: () => now })
    const span = tracer.startSpan('SMTP transaction', { 'smtp.port': 'mx' }, { kind: 'server' })
    span.setAttribute('smtp.recipients_accepted', 2)
    span.setAttributes({ 'smtp.result': 'accepted' })
    now = 1_010.5
    span.end('error', 'rejected')
    span.end('ok')
    span.setAttribute('late', true)
    expect(r.spans).toHaveLength(1)
    const s = r.spans[0] as FinishedSpan
    expect(s).toMatchObject({
      name: 'SMTP transaction',
      kind: 'server',
      startTimeMs: 1_000.25,
      endTimeMs: 1_010.5,
      status: 'error',
      statusMessage: 'rejected',
      parentSpanId: null,
      attributes: { 'smtp.port': 'mx', 'smtp.recipients_accepted': 2, 'smtp.result': 'accepted' },
    })
    expect(s.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/)
  })

  test('children share the trace of a recording parent; a no-op parent means no child', () => {
    const tracer = new Tracer()
    const r = recorder()
    let sampled = true
    tracer.attach({ sink: r.sink, sampleRatio: 0.5, random: () => (sampled ? 0.1 : 0.9) })
    const parent = tracer.startSpan('parent')
    const child = tracer.startSpan('child', {}, { parent })
    child.end()
    parent.end()
    expect(r.spans.map(s => s.name)).toEqual(['child', 'parent'])
    expect(r.spans[0]?.traceId).toBe(parent.traceId)
    expect(r.spans[0]?.parentSpanId).toBe(parent.spanId)
    sampled = false
    const unsampled = tracer.startSpan('dropped')
    expect(unsampled.recording).toBe(false)
    expect(tracer.startSpan('orphan', {}, { parent: unsampled }).recording).toBe(false)
  })

  test.each([
    [0, 0],
    [1, 10],
    [0.5, 5],
  ])('sampleRatio %p keeps %p of 10 root spans', (ratio, kept) => {
    const tracer = new Tracer()
    const r = recorder()
    let i = 0
    tracer.attach({ sink: r.sink, sampleRatio: ratio, random: () => (i++ % 10) / 10 })
    for (let n = 0; n < 10; n++) tracer.startSpan('x').end()
    expect(r.spans).toHaveLength(kept)
  })
})
