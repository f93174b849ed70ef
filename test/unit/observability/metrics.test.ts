import { describe, expect, test } from 'bun:test'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'

describe('MetricsRegistry', () => {
  test('counters with labels render in Prometheus text format', () => {
    const r = new MetricsRegistry()
    const c = r.counter('smtp_messages_total', 'Messages accepted')
    c.inc({ port: 'mx' })
    c.inc({ port: 'mx' }, 2)
    c.inc({ port: 'submission' })
    expect(c.get({ port: 'mx' })).toBe(3)
    expect(r.render()).toBe(
      [
        '# HELP smtp_messages_total Messages accepted',
        '# TYPE smtp_messages_total counter',
        'smtp_messages_total{port="mx"} 3',
        'smtp_messages_total{port="submission"} 1',
        '',
      ].join('\n'),
    )
  })

  test('the same name returns the same metric; a type clash throws', () => {
    const r = new MetricsRegistry()
    expect(r.counter('a', 'x')).toBe(r.counter('a', 'x'))
    expect(() => r.gauge('a', 'x')).toThrow('registered as counter')
  })

  test('counters cannot decrease; gauges can', () => {
    const r = new MetricsRegistry()
    expect(() => r.counter('c', 'x').inc({}, -1)).toThrow()
    const g = r.gauge('g', 'x')
    g.inc()
    g.inc()
    g.dec()
    expect(g.get()).toBe(1)
    g.set(7, { proto: 'imap' })
    expect(r.render()).toContain('g{proto="imap"} 7')
  })

  test('histograms count cumulative buckets, sum and count', () => {
    const r = new MetricsRegistry()
    const h = r.histogram('latency_seconds', 'Delivery latency', [0.1, 1])
    h.observe(0.05)
    h.observe(0.5)
    h.observe(5)
    const text = r.render()
    expect(text).toContain('latency_seconds_bucket{le="0.1"} 1')
    expect(text).toContain('latency_seconds_bucket{le="1"} 2')
    expect(text).toContain('latency_seconds_bucket{le="+Inf"} 3')
    expect(text).toContain('latency_seconds_sum 5.55')
    expect(text).toContain('latency_seconds_count 3')
  })

  test('label values are escaped', () => {
    const r = new MetricsRegistry()
    r.counter('e', 'x').inc({ reason: 'bad "quote"\\\nnext' })
    expect(r.render()).toContain('e{reason="bad \\"quote\\"\\\\\\nnext"} 1')
  })
})
