// Long-running jobs `serve` starts after the listeners (DESIGN.md "Shape": monitors): the outbound
// queue runner, the Discord health monitor, scheduled backups, TLS-RPT reports. Each issue adds its
// factory here; a factory builds a Service from the shared deps and does no work until start().
import { queueRunnerService } from '../delivery/queue/queue-service.ts'
import { createTlsReportService } from '../delivery/tls-rpt/tls-report-service.ts'
import { lazyService } from './lazy-service.ts'
import type { Service } from './lifecycle.ts'
import type { ServerDeps } from './server-deps.ts'

export type BackgroundServiceFactory = (deps: ServerDeps) => Service

export const backgroundServices: readonly BackgroundServiceFactory[] = [
  deps => queueRunnerService(deps), // outbound queue runner (queue.*, dkim.*, delivery.*)
  lazyService({
    name: 'trace-export', // OTLP trace export
    enabled: deps => deps.config.tracing.endpoint !== '',
    load: () => import('../observability/tracing/trace-export-service.ts').then(m => m.createTraceExportService),
  }),
  lazyService({
    name: 'health-monitor', // Discord health monitor
    enabled: deps => deps.config.monitoring.discordWebhookUrl !== '',
    load: () => import('../observability/discord/health-monitor-service.ts').then(m => m.createHealthMonitorService),
  }),
  deps => createTlsReportService(deps), // daily TLS-RPT reports, RFC 8460 (delivery.tlsRpt.*)
  lazyService({
    name: 'backup-scheduler', // scheduled backups (backup.intervalHours, backup.target)
    enabled: deps => deps.config.backup.intervalHours > 0,
    load: () => import('../backup/backup-scheduler.ts').then(m => m.createBackupSchedulerService),
  }),
]
