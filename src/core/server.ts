// Composition root of `serve` (STYLE.md: main builds deps, starts listeners): storage, certificates,
// DNS resolver, the protocol listeners and the HTTP app, under one Lifecycle.
import { createHttpApp } from '../api/app.ts'
import { createOutboundQueue } from '../delivery/queue/outbound-queue.ts'
import { createHttpService, type HttpService } from '../api/http-service.ts'
import { createLoginThrottle } from '../auth/login-throttle.ts'
import type { Config } from '../config/schema.ts'
import { MetricsRegistry } from '../observability/metrics.ts'
import { diskProbe, probe } from '../observability/readiness.ts'
import { createResolver } from '../security/dns/resolver.ts'
import { createCertificateStore } from '../security/tls/certificate-store.ts'
import { createStorage } from '../storage/storage.ts'
import { type Clock, systemClock } from './clock.ts'
import { backgroundServices } from './background-services.ts'
import { Lifecycle } from './lifecycle.ts'
import type { Logger } from './logger.ts'
import { createMailListenerService, type MailListenerService } from './mail-listener-service.ts'
import { protocolModules } from './protocols.ts'
import { removeRuntimeState, writeRuntimeState } from './runtime-state.ts'
import type { ServerDeps } from './server-deps.ts'
import { buildInfo } from './version.ts'

/** Below this much free space the server reports not ready (mail would fail to deliver). */
const MIN_FREE_DISK_BYTES = 100 * 2 ** 20

export interface RunningServer {
  deps: ServerDeps
  http: HttpService
  mail: MailListenerService
  stop(graceMs: number): Promise<void>
  reload(): Promise<void>
}

export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const startedAt = clock.now()
  const build = buildInfo()
  const lifecycle = new Lifecycle(logger)

  // Opening storage creates the data dir, applies migrations and reconciles Maildir with the index.
  const storage = await createStorage({
    dataDir: config.dataDir,
    logger,
    clock,
    hostname: config.hostname,
    reconcile: true,
  })
  lifecycle.add({ name: 'storage', start() {}, stop: () => storage.close() })
  const certificates = await createCertificateStore({
    certFile: config.tls.certFile,
    keyFile: config.tls.keyFile,
    hostname: config.hostname,
    dataDir: config.dataDir,
    logger,
    watchIntervalMs: config.tls.watchIntervalSeconds * 1000,
    clock,
  }).catch(e => {
    storage.close() // nothing else has started yet: leave no open database behind
    throw e
  })
  lifecycle.add({
    name: 'certificates',
    start() {},
    stop: () => certificates.close(),
    reload: async () => {
      await certificates.reload()
    },
  })
  // A crash between writing a spool file and committing its queue row leaves an orphan: nothing was
  // acknowledged for it, so it is removed before listeners open.
  const queue = createOutboundQueue({ storage, clock, logger })
  const orphans = await queue.removeOrphans()
  if (orphans.length > 0) logger.info('removed unacknowledged spool files', { count: orphans.length })
  const resolver = createResolver({ servers: config.dns.servers, timeoutMs: config.dns.timeoutMs, clock })
  const loginThrottle = createLoginThrottle({ clock, failuresBeforeThrottle: config.limits.authFailuresBeforeThrottle })
  const deps: ServerDeps = {
    config,
    logger,
    clock,
    storage,
    certificates,
    resolver,
    metrics: new MetricsRegistry(),
    loginThrottle,
    queue,
  }

  const mail = lifecycle.add(
    createMailListenerService(
      deps,
      protocolModules.flatMap(m => m(deps)),
    ),
  )
  const probes = [
    probe('database', () => storage.checkWritable()),
    diskProbe(config.dataDir, MIN_FREE_DISK_BYTES),
    probe('listeners', () => {
      const bound = mail.listeners().length + http.ports().length
      if (http.ports().some(p => p === 0)) throw new Error('http listener not bound')
      return `${bound} bound`
    }),
  ]
  const app = createHttpApp({ deps, probes, build, startedAt })
  const http: HttpService = config.http.enabled
    ? lifecycle.add(createHttpService({ app, bind: config.bind, port: config.http.port, logger }))
    : { name: 'http', start() {}, stop() {}, ports: () => [] }

  // Background services (queue runner, monitors, schedulers) start after the listeners they report on.
  for (const factory of backgroundServices) lifecycle.add(factory(deps))

  await lifecycle.start()
  writeRuntimeState(config.dataDir, {
    pid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    version: build.version,
    http: config.bind.map((address, i) => ({ address, port: http.ports()[i] ?? 0 })),
    listeners: mail.listeners().map(l => ({ name: l.name, address: l.hostname, port: l.port })),
  })
  logger.info('started', {
    version: build.version,
    commit: build.commit,
    profile: config.profile,
    dataDir: config.dataDir,
    ms: clock.now() - startedAt,
  })
  // Start-up leaves garbage behind (config layers, migration text, certificate parsing): shrinking
  // SQLite's caches and one full collection once the listeners are up return it to the system, so
  // an idle server's RSS is what it needs, not what starting took (issue 3). It runs after /healthz
  // already answers.
  const settle = setTimeout(() => {
    try {
      storage.db.$client.run('PRAGMA shrink_memory')
    } catch {
      // closed by someone who stopped the storage without stopping the server (tests)
    }
    Bun.gc(true)
  }, 250)
  settle.unref()

  return {
    deps,
    http,
    mail,
    stop: async graceMs => {
      clearTimeout(settle) // a server stopped right after start: the database is about to close
      await lifecycle.stop(graceMs)
      removeRuntimeState(config.dataDir)
    },
    reload: () => lifecycle.reload(),
  }
}
