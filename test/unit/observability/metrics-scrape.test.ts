import { afterEach, describe, expect, test } from 'bun:test'
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format'
import { createHttpApp } from '../../../src/api/app.ts'
import { bearerMatches, PROMETHEUS_CONTENT_TYPE } from '../../../src/api/routes/metrics.ts'
import type { Config } from '../../../src/config/schema.ts'
import { buildInfo } from '../../../src/core/version.ts'
import { deliveryMetrics } from '../../../src/observability/delivery-metrics.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import { createTestDeps, type TestDeps } from './support/server-deps.ts'

const build = buildInfo()
let t: TestDeps | null = null
afterEach(() => {
  t?.close()
  t = null
})

async function app(adjust?: (config: Config) => void) {
  t = await createTestDeps(adjust)
  return { t, app: createHttpApp({ deps: t.deps, probes: [], build, startedAt: t.clock.now() }) }
}

const family = (families: ParsedFamily[], name: string) => {
  const f = families.find(x => x.name === name)
  if (!f) throw new Error(`metric ${name} missing`)
  return f
}
const sample = (families: ParsedFamily[], name: string, labels: Record<string, string> = {}) =>
  Number(
    family(families, name).metrics.find(m => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ??
      Number.NaN,
  )

describe('MetricsRegistry collectors', () => {
  test('scrape runs collectors before rendering; a failing collector is counted, not fatal', async () => {
    const r = new MetricsRegistry()
    const g = r.gauge('depth', 'x')
    let depth = 3
    r.collect('depth', () => g.set(depth))
    r.collect('broken', () => {
      throw new Error('boom')
    })
    const errors: string[] = []
    expect(await r.scrape(name => errors.push(name))).toContain('depth 3')
    depth = 5
    const text = await r.scrape()
    expect(text).toContain('depth 5')
    expect(text).toContain('mail_metrics_collector_errors_total{collector="broken"} 2')
    expect(errors).toEqual(['broken'])
  })

  test('a collector registered again under the same name replaces the first', async () => {
    const r = new MetricsRegistry()
    const g = r.gauge('v', 'x')
    r.collect('v', () => g.set(1))
    r.collect('v', () => g.set(2))
    expect(await r.scrape()).toContain('v 2')
  })

  test('gauge sum adds every label set; reset forgets them', () => {
    const r = new MetricsRegistry()
    const g = r.gauge('open', 'x')
    g.set(2, { port: 'mx' })
    g.set(3, { port: 'submission' })
    expect(g.sum()).toBe(5)
    g.reset()
    expect(g.sum()).toBe(0)
    expect(r.render()).not.toContain('open{')
  })

  test('find returns registered metrics only', () => {
    const r = new MetricsRegistry()
    const c = r.counter('c_total', 'x')
    expect(r.find('c_total')).toBe(c)
    expect(r.find('nope')).toBeUndefined()
  })
})

describe('GET /metrics', () => {
  test('Prometheus text that a parser accepts, with the server gauges', async () => {
    const { t, app: http } = await app()
    await t.deps.storage.domains.add('example.test')
    await t.deps.queue.enqueue({
      sender: 'ann@example.test',
      recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
      content: new TextEncoder().encode('Subject: hi\r\n\r\nhello\r\n'),
    })
    t.clock.advance(90_000)
    t.deps.metrics.gauge('smtp_active_connections', 'x').set(4, { port: 'mx' })
    deliveryMetrics(t.deps.metrics).duration.observe(0.3, { method: 'direct', result: 'delivered' })

    const res = await http.request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE)
    const text = await res.text()
    const families = parsePrometheusTextFormat(text)
    expect(sample(families, 'mail_queue_depth')).toBe(1)
    expect(sample(families, 'mail_queue_entries', { state: 'queued' })).toBe(1)
    expect(sample(families, 'mail_queue_entries', { state: 'delivered' })).toBe(0)
    expect(sample(families, 'mail_queue_oldest_age_seconds')).toBe(90)
    expect(sample(families, 'mail_database_up')).toBe(1)
    expect(sample(families, 'mail_domains')).toBe(1)
    expect(sample(families, 'mail_database_size_bytes', { file: 'db' })).toBeGreaterThan(0)
    expect(sample(families, 'mail_disk_free_bytes')).toBeGreaterThan(0)
    expect(sample(families, 'mail_active_connections', { protocol: 'smtp' })).toBe(4)
    expect(sample(families, 'mail_active_connections', { protocol: 'imap' })).toBe(0)
    const expiry = t.deps.certificates.info().notAfter.getTime() / 1000
    expect(sample(families, 'mail_tls_certificate_expiry_timestamp_seconds')).toBe(Math.floor(expiry))
    expect(sample(families, 'mail_tls_certificate_self_signed')).toBe(1)
    expect(sample(families, 'mail_build_info', { version: build.version })).toBe(1)
    const histogram = family(families, 'mail_delivery_duration_seconds')
    expect(histogram.type).toBe('HISTOGRAM')
    expect(histogram.metrics[0]?.buckets?.['0.5']).toBe('1')
    // The parser keeps only buckets of a labelled histogram; sum and count are checked in the text.
    expect(text).toContain('mail_delivery_duration_seconds_count{method="direct",result="delivered"} 1')
  })

  test('queue gauges follow the queue: empty again after removal', async () => {
    const { t, app: http } = await app()
    const q = await t.deps.queue.enqueue({
      sender: '',
      recipients: [{ address: 'bob@remote.test', notify: null, orcpt: null }],
      content: new TextEncoder().encode('x\r\n'),
    })
    let families = parsePrometheusTextFormat(await (await http.request('/metrics')).text())
    expect(sample(families, 'mail_queue_depth')).toBe(1)
    await t.deps.queue.remove(q.id)
    families = parsePrometheusTextFormat(await (await http.request('/metrics')).text())
    expect(sample(families, 'mail_queue_depth')).toBe(0)
    expect(sample(families, 'mail_queue_entries', { state: 'queued' })).toBe(0)
    expect(sample(families, 'mail_queue_oldest_age_seconds')).toBe(0)
  })

  test('a closed database shows as mail_database_up 0 and the scrape still answers', async () => {
    const { t, app: http } = await app()
    t.deps.storage.close()
    const res = await http.request('/metrics')
    expect(res.status).toBe(200)
    const families = parsePrometheusTextFormat(await res.text())
    expect(sample(families, 'mail_database_up')).toBe(0)
    expect(sample(families, 'mail_metrics_collector_errors_total', { collector: 'database' })).toBe(1)
  })

  test('with metrics.bearerToken set, only the right bearer token gets through', async () => {
    const { app: http } = await app(c => {
      c.metrics.bearerToken = 's3cret-token'
    })
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ authorization: 'Bearer wrong' }, 401],
      [{ authorization: 'Basic czNjcmV0LXRva2Vu' }, 401],
      [{ authorization: 'Bearer s3cret-token' }, 200],
      [{ authorization: 'bearer s3cret-token' }, 200],
    ]
    for (const [headers, status] of cases) {
      const res = await http.request('/metrics', { headers })
      expect(res.status, JSON.stringify(headers)).toBe(status)
      if (status === 401) expect(res.headers.get('www-authenticate')).toContain('Bearer')
    }
  })

  test('metrics.enabled=false removes the route', async () => {
    const { app: http } = await app(c => {
      c.metrics.enabled = false
    })
    expect((await http.request('/metrics')).status).toBe(404)
  })
})

describe('bearerMatches', () => {
  test.each([
    ['Bearer abc', 'abc', true],
    ['Bearer   abc', 'abc', true],
    ['Bearer abc ', 'abc', true],
    ['Bearer abcd', 'abc', false],
    ['Bearer ab', 'abc', false],
    ['Bearer', 'abc', false],
    ['abc', 'abc', false],
    ['Token abc', 'abc', false],
    ['Bearer abc def', 'abc', false],
  ])('%p with token %p → %p', (header, token, expected) => {
    expect(bearerMatches(header, token)).toBe(expected)
  })
  test('a missing header never matches', () => {
    expect(bearerMatches(undefined, 'abc')).toBe(false)
  })
})
