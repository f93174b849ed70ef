// The background service that turns tracing on when `tracing.endpoint` is set: it attaches an OTLP
// exporter to the process tracer (deps.metrics.tracer), flushes on an interval, and flushes what
// is left at stop so the spans of the last transactions before a restart are not lost.
import type { Service } from '../../core/lifecycle.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { buildInfo } from '../../core/version.ts'
import { createOtlpExporter, type OtlpExporter } from './otlp-exporter.ts'

export interface TraceExportServiceOptions {
  fetch?: typeof fetch
}

export function createTraceExportService(deps: ServerDeps, options: TraceExportServiceOptions = {}): Service {
  const settings = deps.config.tracing
  let exporter: OtlpExporter | null = null
  let detach: (() => void) | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  return {
    name: 'trace-export',
    start() {
      if (settings.endpoint === '') return
      exporter = createOtlpExporter({
        endpoint: settings.endpoint,
        authorization: settings.authorization,
        resource: {
          serviceName: settings.serviceName,
          serviceVersion: buildInfo().version,
          hostName: deps.config.hostname,
        },
        batchSize: settings.batchSize,
        maxQueueSize: settings.maxQueueSize,
        logger: deps.logger,
        metrics: deps.metrics,
        fetch: options.fetch,
      })
      detach = deps.metrics.tracer.attach({ sink: exporter.sink, sampleRatio: settings.sampleRatio })
      const flush = exporter.flush
      timer = setInterval(() => void flush(), settings.flushIntervalSeconds * 1000)
      timer.unref?.()
      deps.logger.info('trace export on', { sampleRatio: settings.sampleRatio })
    },
    async stop(graceMs) {
      if (timer) clearInterval(timer)
      timer = null
      detach?.()
      detach = null
      const pending = exporter
      exporter = null
      if (pending) await Promise.race([pending.flush(), Bun.sleep(Math.max(graceMs, 100))])
    },
  }
}
