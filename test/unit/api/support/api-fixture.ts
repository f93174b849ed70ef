// An in-process server for /api/v1 tests: real storage in a temp dir, the real outbound queue, a
// memory resolver, and the HTTP app exactly as `serve` builds it (createHttpApp with the API mount),
// driven with app.request(). `serve()` puts the same app on a real socket.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { createHttpApp } from '../../../../src/api/app.ts'
import { createApiV1 } from '../../../../src/api/v1/api-v1.ts'
import type { ApiTokenScope } from '../../../../src/auth/api-tokens.ts'
import { createLoginThrottle } from '../../../../src/auth/login-throttle.ts'
import { profileDefaults } from '../../../../src/config/profile-defaults.ts'
import type { Config } from '../../../../src/config/schema.ts'
import { manualClock } from '../../../../src/core/clock.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import type { ServerDeps } from '../../../../src/core/server-deps.ts'
import { createOutboundQueue } from '../../../../src/delivery/queue/outbound-queue.ts'
import type { DkimKeySource } from '../../../../src/domains/dkim-key-source.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { probe } from '../../../../src/observability/readiness.ts'
import { createMemoryResolver, type MemoryResolver } from '../../../../src/security/dns/memory-resolver.ts'
import type { Resolver } from '../../../../src/security/dns/resolver.ts'
import { createCertificateStore } from '../../../../src/security/tls/certificate-store.ts'
import { type ApiTokenRepository, createApiTokenRepository } from '../../../../src/storage/repositories/api-tokens.ts'
import { createStorage, type Storage } from '../../../../src/storage/index.ts'

export const HOST = 'mail.example.test'
export const START = Date.UTC(2026, 0, 15, 12, 0, 0)

export interface ApiFixture {
  app: Hono
  deps: ServerDeps
  storage: Storage
  tokens: ApiTokenRepository
  resolver: MemoryResolver
  clock: ReturnType<typeof manualClock>
  dir: string
  /** A fresh token with these scopes. */
  token(scopes: ApiTokenScope[]): Promise<string>
  /** app.request with a bearer token and a JSON body. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>
  close(): Promise<void>
}

export interface ApiFixtureOptions {
  configure?: (config: Config) => void
  dkimKeys?: DkimKeySource
  resolver?: Resolver
}

export async function startApiFixture(options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'api-test-'))
  const clock = manualClock(START)
  const config = profileDefaults('dev')
  config.hostname = HOST
  config.dataDir = dir
  config.dnsRecords.ipv4 = ['192.0.2.10']
  options.configure?.(config)
  const storage = await createStorage({ dataDir: dir, clock, hostname: 'test.example' })
  const certificates = await createCertificateStore({
    certFile: '',
    keyFile: '',
    hostname: HOST,
    dataDir: dir,
    watchIntervalMs: 0,
  })
  const resolver = createMemoryResolver()
  const deps: ServerDeps = {
    config,
    logger: silentLogger,
    clock,
    storage,
    certificates,
    resolver: options.resolver ?? resolver,
    metrics: new MetricsRegistry(),
    loginThrottle: createLoginThrottle({ clock, failuresBeforeThrottle: 5 }),
    queue: createOutboundQueue({ storage, clock }),
  }
  const tokens = createApiTokenRepository({ db: storage.db, clock })
  const probes = [probe('database', () => storage.checkWritable())]
  const build = { version: '9.9.9-test', commit: 'abc1234', buildDate: '2026-01-01', compiled: false }
  const app = createHttpApp({ deps, probes, build, startedAt: START - 90_000 }, [
    (root, context) => root.route('/api/v1', createApiV1({ ...context, tokens, dkimKeys: options.dkimKeys })),
  ])
  return {
    app,
    deps,
    storage,
    tokens,
    resolver,
    clock,
    dir,
    async token(scopes) {
      return (await tokens.create({ name: `test ${scopes.join(',')}`, scopes, createdBy: 'test' })).token
    },
    async call(method, path, { token, body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } }
      if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`
      if (body !== undefined) {
        ;(init.headers as Record<string, string>)['content-type'] ??= 'application/json'
        init.body = typeof body === 'string' ? body : JSON.stringify(body)
      }
      return app.request(path, init)
    },
    async close() {
      certificates.close()
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
