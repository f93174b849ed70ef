// Long-running jobs `serve` starts after the listeners (DESIGN.md "Shape": monitors): the outbound
// queue runner, the Discord health monitor, scheduled backups, TLS-RPT reports. Each issue adds its
// factory here; a factory builds a Service from the shared deps and does no work until start().
import type { Service } from './lifecycle.ts'
import type { ServerDeps } from './server-deps.ts'

export type BackgroundServiceFactory = (deps: ServerDeps) => Service

export const backgroundServices: readonly BackgroundServiceFactory[] = []
