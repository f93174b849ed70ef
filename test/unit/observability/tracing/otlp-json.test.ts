import { describe, expect, test } from 'bun:test'
import { encodeSpan, encodeTraceRequest, keyValues, unixNano } from '../../../../src/observability/tracing/otlp-json.ts'
import type { FinishedSpan } from '../../../../src/observability/tracing/span.ts'
import { assertOtlpShape } from './support/otlp-stub.ts'

const span = (over: Partial<FinishedSpan> = {}): FinishedSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: null,
  name: 'IMAP FETCH',
  kind: 'server',
  startTimeMs: 1_700_000_000_000.5,
  endTimeMs: 1_700_000_000_002,
  attributes: {},
  status: 'unset',
  statusMessage: null,
  ...over,
})

describe('unixNano', () => {
  test.each([
    [0, '0'],
    [1, '1000000'],
    [1.5, '1500000'],
    [1_700_000_000_000, '1700000000000000000'],
    [1_700_000_000_000.25, '1700000000000250000'],
    [1_700_000_000_123.5, '1700000000123500000'],
  ])('%p ms → %p ns', (ms, ns) => {
    expect(unixNano(ms)).toBe(ns)
  })
})

describe('OTLP JSON encoding', () => {
  test('attribute values map to the AnyValue variants', () => {
    expect(keyValues({ s: 'x', b: true, i: 42, d: 0.5, big: 2 ** 60 })).toEqual([
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: true } },
      { key: 'i', value: { intValue: '42' } },
      { key: 'd', value: { doubleValue: 0.5 } },
      { key: 'big', value: { doubleValue: 2 ** 60 } },
    ])
  })

  test.each([
    ['internal', 'unset', 1, 0],
    ['server', 'ok', 2, 1],
    ['client', 'error', 3, 2],
  ] as const)('kind %p status %p → %p / %p', (kind, status, kindCode, statusCode) => {
    const out = encodeSpan(span({ kind, status }))
    expect(out.kind).toBe(kindCode)
    expect(out.status.code).toBe(statusCode)
  })

  test('parent and status message only when present; hex ids kept as they are', () => {
    const root = encodeSpan(span())
    expect(root).not.toHaveProperty('parentSpanId')
    expect(root.status).toEqual({ code: 0 })
    const child = encodeSpan(span({ parentSpanId: '00f067aa0ba902b7', status: 'error', statusMessage: 'NO' }))
    expect(child.parentSpanId).toBe('00f067aa0ba902b7')
    expect(child.status).toEqual({ code: 2, message: 'NO' })
    expect(child.traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    expect(child.startTimeUnixNano).toBe('1700000000000500000')
  })

  test('a request carries service.name, service.version and host.name on the resource', () => {
    const req = encodeTraceRequest({ serviceName: 'mail-server', serviceVersion: '1.2.3', hostName: 'mx.test' }, [
      span(),
    ])
    assertOtlpShape(JSON.parse(JSON.stringify(req)))
    expect(req.resourceSpans[0]?.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'mail-server' } },
      { key: 'service.version', value: { stringValue: '1.2.3' } },
      { key: 'host.name', value: { stringValue: 'mx.test' } },
    ])
    expect(req.resourceSpans[0]?.scopeSpans[0]?.spans).toHaveLength(1)
  })
})
