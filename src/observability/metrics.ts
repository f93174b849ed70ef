// One metrics registry per process (passed in, never global), rendered in the Prometheus text
// exposition format 0.0.4 by /metrics (src/api/routes/metrics.ts). Protocols record events here;
// nothing else keeps counters of its own. Values that are cheaper to read than to track (queue
// depth, disk space, certificate expiry) are filled by collectors that run at scrape time.
//
// The registry also carries the process's Tracer: it is the one telemetry object every protocol
// already receives, so SMTP and IMAP record spans without another dependency threaded through
// their session factories. The tracer records nothing until an exporter attaches (tracing config).
import { Tracer } from './tracing/tracer.ts'

export type Labels = Readonly<Record<string, string>>

interface Series<V> {
  labels: Labels
  value: V
}

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map(k => `${k}=${labels[k]}`)
    .join(',')

// Prometheus text format: label values escape backslash, double quote and newline.
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const renderLabels = (labels: Labels, extra: Labels = {}) => {
  const all = { ...labels, ...extra }
  const keys = Object.keys(all).sort()
  return keys.length ? `{${keys.map(k => `${k}="${escapeLabel(all[k] as string)}"`).join(',')}}` : ''
}

abstract class Metric<V> {
  protected readonly series = new Map<string, Series<V>>()
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  abstract readonly type: 'counter' | 'gauge' | 'histogram'
  /** Series by label object: hot paths pass the same frozen-in-practice object (a listener's port labels) on every event. */
  protected byObject = new WeakMap<Labels, Series<V>>()
  protected entry(labels: Labels, initial: () => V): Series<V> {
    const known = this.byObject.get(labels)
    if (known) return known
    const key = labelKey(labels)
    let s = this.series.get(key)
    if (!s) {
      s = { labels: { ...labels }, value: initial() }
      this.series.set(key, s)
    }
    this.byObject.set(labels, s)
    return s
  }
  abstract render(): string[]
}

export class Counter extends Metric<number> {
  readonly type = 'counter'
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`)
    this.entry(labels, () => 0).value += by
  }
  get(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.value ?? 0
  }
  render(): string[] {
    return [...this.series.values()].map(s => `${this.name}${renderLabels(s.labels)} ${s.value}`)
  }
}

export class Gauge extends Metric<number> {
  readonly type = 'gauge'
  set(value: number, labels: Labels = {}): void {
    this.entry(labels, () => 0).value = value
  }
  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels, () => 0).value += by
  }
  dec(labels: Labels = {}, by = 1): void {
    this.entry(labels, () => 0).value -= by
  }
  get(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.value ?? 0
  }
  /** Sum over every label set (e.g. open connections across listeners). */
  sum(): number {
    let total = 0
    for (const s of this.series.values()) total += s.value
    return total
  }
  /** Forget every label set, so a collector's scrape shows only what exists now (e.g. queue states). */
  reset(): void {
    this.series.clear()
    this.byObject = new WeakMap()
  }
  render(): string[] {
    return [...this.series.values()].map(s => `${this.name}${renderLabels(s.labels)} ${s.value}`)
  }
}

/** The last histogram bucket counts every observation. */
const INFINITE_BUCKET: Labels = { le: '+Inf' }

interface HistogramValue {
  counts: number[]
  sum: number
  count: number
}

export class Histogram extends Metric<HistogramValue> {
  readonly type = 'histogram'
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help)
  }
  observe(value: number, labels: Labels = {}): void {
    const s = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }))
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.value.counts[i]! += 1
    s.value.sum += value
    s.value.count += 1
  }
  render(): string[] {
    const lines: string[] = []
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) =>
        lines.push(`${this.name}_bucket${renderLabels(s.labels, { le: String(b) })} ${s.value.counts[i]}`),
      )
      lines.push(`${this.name}_bucket${renderLabels(s.labels, INFINITE_BUCKET)} ${s.value.count}`)
      lines.push(`${this.name}_sum${renderLabels(s.labels)} ${s.value.sum}`)
      lines.push(`${this.name}_count${renderLabels(s.labels)} ${s.value.count}`)
    }
    return lines
  }
}

/** Fills gauges right before a scrape; may be async (database, file system). */
export type Collector = () => Promise<void> | void

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric<unknown>>()
  private readonly collectors = new Map<string, Collector>()
  /** Spans of SMTP transactions and IMAP commands; see src/observability/tracing/. */
  readonly tracer = new Tracer()

  private register<M extends Metric<unknown>>(metric: M): M {
    const existing = this.metrics.get(metric.name)
    if (existing) {
      if (existing.type !== metric.type) throw new Error(`metric ${metric.name} registered as ${existing.type}`)
      return existing as M
    }
    this.metrics.set(metric.name, metric)
    return metric
  }

  /** Get or create; the same name always returns the same metric. */
  counter(name: string, help: string): Counter {
    return this.register(new Counter(name, help))
  }
  gauge(name: string, help: string): Gauge {
    return this.register(new Gauge(name, help))
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, buckets))
  }

  /** Look up a registered metric by name (the monitor reads connection gauges this way). */
  find(name: string): Counter | Gauge | Histogram | undefined {
    return this.metrics.get(name) as Counter | Gauge | Histogram | undefined
  }

  /** Register (or replace, by name) a collector run by scrape(). */
  collect(name: string, collector: Collector): void {
    this.collectors.set(name, collector)
  }

  /**
   * Run every collector, then render. A failing collector leaves its gauges as they were and is
   * counted, so one broken source never takes the whole endpoint down.
   */
  async scrape(onError?: (collector: string, error: unknown) => void): Promise<string> {
    const failures = this.counter('mail_metrics_collector_errors_total', 'Collectors that failed during a scrape')
    await Promise.all(
      [...this.collectors].map(async ([name, collector]) => {
        try {
          await collector()
        } catch (e) {
          failures.inc({ collector: name })
          onError?.(name, e)
        }
      }),
    )
    return this.render()
  }

  /** Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const out: string[] = []
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${m.name} ${m.type}`)
      out.push(...m.render())
    }
    return `${out.join('\n')}\n`
  }
}
