import { describe, expect, test } from 'bun:test'
import { metricTotals } from '../../../src/admin/metric-totals.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'

describe('metricTotals', () => {
  test('sums counters and gauges over their label sets; skips histograms', () => {
    const r = new MetricsRegistry()
    r.counter('b_total', 'x').inc({ port: 'mx' }, 2)
    r.counter('b_total', 'x').inc({ port: 'a "quoted} label\\' }, 3)
    r.gauge('a_open', 'x').set(1.5, { proto: 'imap' })
    r.gauge('a_open', 'x').set(2, { proto: 'pop3' })
    r.histogram('h_seconds', 'x', [1]).observe(0.2)
    expect(metricTotals(r.render())).toEqual([
      { name: 'a_open', type: 'gauge', value: 3.5 },
      { name: 'b_total', type: 'counter', value: 5 },
    ])
  })

  test.each([
    ['empty text', '', []],
    ['sample without TYPE', 'x_total 3\n', []],
    ['untyped metric', '# TYPE u untyped\nu 1\n', []],
    ['value with timestamp', '# TYPE c counter\nc 4 1700000000000\n', [{ name: 'c', type: 'counter', value: 4 }]],
    ['unterminated labels', '# TYPE c counter\nc{a="1 2\n', []],
    ['non-numeric value', '# TYPE c counter\nc{a="1"} many\n', []],
    ['NaN is not a number here', '# TYPE g gauge\ng NaN\n', []],
    ['+Inf gauge', '# TYPE g gauge\ng +Inf\n', [{ name: 'g', type: 'gauge', value: Number.POSITIVE_INFINITY }]],
    ['garbage line', '# TYPE c counter\n{}} 1\nc 1\n', [{ name: 'c', type: 'counter', value: 1 }]],
    [
      'HELP and comments',
      '# HELP c text\n# random\n# TYPE c counter\nc 2\n',
      [{ name: 'c', type: 'counter', value: 2 }],
    ],
  ])('%s', (_, text, expected) => {
    expect(metricTotals(text)).toEqual(expected as ReturnType<typeof metricTotals>)
  })
})
