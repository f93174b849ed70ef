// Gauges filled at scrape time from the running server: outbound queue depth and oldest age,
// database reachability and size, disk space, certificate expiry, connections per protocol and
// process facts. Counters (messages, rejections, auth failures) are recorded where they happen.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock } from '../core/clock.ts'
import type { BuildInfo } from '../core/version.ts'
import { queueStats } from '../delivery/queue/queue-stats.ts'
import type { CertificateStore } from '../security/tls/certificate-store.ts'
import { DATABASE_FILE, type Storage } from '../storage/storage.ts'
import { activeConnectionsByProtocol } from './connection-count.ts'
import { deliveryMetrics } from './delivery-metrics.ts'
import { readDiskStats } from './disk-stats.ts'
import type { MetricsRegistry } from './metrics.ts'

export interface ServerCollectorSources {
  storage: Pick<Storage, 'dataDir' | 'domains' | 'db'>
  certificates: Pick<CertificateStore, 'info'>
  clock: Clock
  build: BuildInfo
  startedAt: number
}

const fileSize = (path: string): number => {
  try {
    return statSync(path).size
  } catch {
    return 0 // no WAL file between checkpoints
  }
}

export function registerServerCollectors(registry: MetricsRegistry, sources: ServerCollectorSources): void {
  deliveryMetrics(registry)

  // The delivery worker's aggregate query (src/delivery/queue/queue-stats.ts): depth counts what is
  // still to deliver; entries counts every retained row per state, delivered and failed included.
  const queueDepth = registry.gauge(
    'mail_queue_depth',
    'Outbound messages still to deliver (queued, in-flight, deferred)',
  )
  const queueEntries = registry.gauge('mail_queue_entries', 'Outbound queue entries, by state')
  const queueOldest = registry.gauge(
    'mail_queue_oldest_age_seconds',
    'Age of the oldest outbound message still to deliver',
  )
  registry.collect('queue', () => {
    const stats = queueStats(sources.storage, sources.clock.now())
    queueDepth.set(stats.depth)
    for (const [state, count] of Object.entries(stats.byState)) queueEntries.set(count, { state })
    queueOldest.set(stats.oldestAgeSeconds)
  })

  const dbUp = registry.gauge('mail_database_up', '1 when a query on mail.db succeeded during this scrape')
  const dbSize = registry.gauge('mail_database_size_bytes', 'Size of mail.db and its write-ahead log, by file')
  const domains = registry.gauge('mail_domains', 'Hosted domains')
  registry.collect('database', async () => {
    const dir = sources.storage.dataDir
    dbSize.set(fileSize(join(dir, DATABASE_FILE)), { file: 'db' })
    dbSize.set(fileSize(join(dir, `${DATABASE_FILE}-wal`)), { file: 'wal' })
    try {
      domains.set((await sources.storage.domains.list()).length)
      dbUp.set(1)
    } catch (e) {
      dbUp.set(0)
      throw e
    }
  })

  const diskFree = registry.gauge('mail_disk_free_bytes', 'Free space for the data directory')
  const diskTotal = registry.gauge('mail_disk_total_bytes', 'Size of the file system holding the data directory')
  registry.collect('disk', async () => {
    const disk = await readDiskStats(sources.storage.dataDir)
    diskFree.set(disk.freeBytes)
    diskTotal.set(disk.totalBytes)
  })

  const certExpiry = registry.gauge(
    'mail_tls_certificate_expiry_timestamp_seconds',
    'Unix time the served TLS certificate expires',
  )
  const certSelfSigned = registry.gauge(
    'mail_tls_certificate_self_signed',
    '1 when the served certificate is self-signed',
  )
  registry.collect('certificate', () => {
    const info = sources.certificates.info()
    certExpiry.set(Math.floor(info.notAfter.getTime() / 1000))
    certSelfSigned.set(info.selfSigned ? 1 : 0)
  })

  const connections = registry.gauge('mail_active_connections', 'Open mail connections, by protocol')
  registry.collect('connections', () => {
    for (const [protocol, count] of Object.entries(activeConnectionsByProtocol(registry)))
      connections.set(count, { protocol })
  })

  registry
    .gauge('mail_build_info', 'Version and commit of the running server (always 1)')
    .set(1, { version: sources.build.version, commit: sources.build.commit })
  registry
    .gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch')
    .set(Math.floor(sources.startedAt / 1000))
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes')
  const heap = registry.gauge('mail_js_heap_used_bytes', 'JavaScript heap in use')
  registry.collect('process', () => {
    const usage = process.memoryUsage()
    rss.set(usage.rss)
    heap.set(usage.heapUsed)
  })
}
