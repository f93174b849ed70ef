// ServerDeps for route and monitor tests: real storage and a real self-signed certificate store in
// a temp directory, the real outbound queue, a manual clock. Nothing is started.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createLoginThrottle } from '../../../../src/auth/login-throttle.ts'
import { profileDefaults } from '../../../../src/config/profile-defaults.ts'
import type { Config } from '../../../../src/config/schema.ts'
import { manualClock } from '../../../../src/core/clock.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import type { ServerDeps } from '../../../../src/core/server-deps.ts'
import { createOutboundQueue } from '../../../../src/delivery/queue/outbound-queue.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { createMemoryResolver } from '../../../../src/security/dns/memory-resolver.ts'
import { createCertificateStore } from '../../../../src/security/tls/certificate-store.ts'
import { createStorage } from '../../../../src/storage/index.ts'

export interface TestDeps {
  deps: ServerDeps
  clock: ReturnType<typeof manualClock>
  dir: string
  close(): void
}

/** Production-profile ports (what the autoconfig documents announce), hostname mail.example.test. */
export async function createTestDeps(adjust: (config: Config) => void = () => {}): Promise<TestDeps> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observability-'))
  const config = profileDefaults('production')
  config.hostname = 'mail.example.test'
  config.dataDir = dir
  config.bind = ['127.0.0.1']
  adjust(config)
  const clock = manualClock(Date.now())
  const storage = await createStorage({ dataDir: dir, clock, hostname: 'test.example' })
  const certificates = await createCertificateStore({
    certFile: '',
    keyFile: '',
    hostname: config.hostname,
    dataDir: dir,
    watchIntervalMs: 0,
    clock,
  })
  const deps: ServerDeps = {
    config,
    logger: silentLogger,
    clock,
    storage,
    certificates,
    resolver: createMemoryResolver(),
    metrics: new MetricsRegistry(),
    loginThrottle: createLoginThrottle({ clock, failuresBeforeThrottle: 5 }),
    queue: createOutboundQueue({ storage, clock }),
  }
  return {
    deps,
    clock,
    dir,
    close() {
      certificates.close()
      storage.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
