// Test fixture for the admin panel: the real HTTP app (createHttpApp with the admin mount) over a
// real storage in a temp dir, a manual clock, a memory DNS resolver and a self-signed certificate,
// driven with app.request() and a small cookie jar.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { adminMount } from '../../../src/admin/admin-mount.ts'
import { createAdminSessionStore } from '../../../src/admin/admin-sessions.ts'
import { hashPassword } from '../../../src/auth/passwords.ts'
import { createHttpApp } from '../../../src/api/app.ts'
import { createLoginThrottle } from '../../../src/auth/login-throttle.ts'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { buildInfo } from '../../../src/core/version.ts'
import { createOutboundQueue } from '../../../src/delivery/queue/outbound-queue.ts'
import { MetricsRegistry } from '../../../src/observability/metrics.ts'
import type { DnsZone } from '../../../src/security/dns/dns-zone.ts'
import { createMemoryResolver, type MemoryResolver } from '../../../src/security/dns/memory-resolver.ts'
import { createCertificateStore } from '../../../src/security/tls/certificate-store.ts'
import { adminUsers } from '../../../src/storage/db/schema-admin.ts'
import { createStorage } from '../../../src/storage/storage.ts'

export const ADMIN_USER = 'root'
export const ADMIN_PASSWORD = 'admin password 123'
export const ORIGIN = 'http://admin.test'
export const FAILURES_BEFORE_THROTTLE = 3

// Argon2id costs 0.2-0.6 s and a self-signed certificate about as much: both are made once per
// test process and shared by every fixture.
let adminHash: Promise<string> | undefined
let certificatePair: Promise<{ certFile: string; keyFile: string }> | undefined

function sharedCertificate(clock: ReturnType<typeof manualClock>) {
  certificatePair ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-admin-cert-'))
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
    const store = await createCertificateStore({
      certFile: '',
      keyFile: '',
      hostname: 'mail.example.test',
      dataDir: dir,
      clock,
    })
    store.close()
    return { certFile: join(dir, 'tls', 'self-signed.crt'), keyFile: join(dir, 'tls', 'self-signed.key') }
  })()
  return certificatePair
}

export interface AdminFixture {
  app: Hono
  deps: ServerDeps
  clock: ReturnType<typeof manualClock>
  resolver: MemoryResolver
  dir: string
  /** Give `browser` a session of the fixture's admin without the (slow) password check. */
  signIn(browser: TestBrowser): void
  cleanup(): void
}

export async function adminFixture(zone: DnsZone = {}): Promise<AdminFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-admin-'))
  const clock = manualClock(Date.UTC(2026, 0, 1, 12))
  const config = profileDefaults('dev')
  config.dataDir = dir
  config.hostname = 'mail.example.test'
  const storage = await createStorage({ dataDir: dir, clock, hostname: config.hostname })
  const certificates = await createCertificateStore({
    ...(await sharedCertificate(clock)),
    hostname: config.hostname,
    dataDir: dir,
    clock,
  })
  const resolver = createMemoryResolver(zone)
  const deps: ServerDeps = {
    config,
    logger: silentLogger,
    clock,
    storage,
    certificates,
    resolver,
    metrics: new MetricsRegistry(),
    loginThrottle: createLoginThrottle({ clock, failuresBeforeThrottle: FAILURES_BEFORE_THROTTLE }),
    queue: createOutboundQueue({ storage, clock }),
  }
  adminHash ??= hashPassword(ADMIN_PASSWORD)
  const admin = storage.db
    .insert(adminUsers)
    .values({ username: ADMIN_USER, passwordHash: await adminHash, createdAt: clock.now(), updatedAt: clock.now() })
    .returning()
    .get()
  const sessions = createAdminSessionStore({ storage, clock })
  const app = createHttpApp({ deps, probes: [], build: buildInfo(), startedAt: clock.now() }, [adminMount])
  return {
    app,
    deps,
    clock,
    resolver,
    dir,
    signIn(browser) {
      browser.cookies.set('mail_admin_session', sessions.create(admin.id).token)
    },
    cleanup() {
      certificates.close()
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A browser stand-in: keeps cookies between app.request() calls and never follows redirects. */
export class TestBrowser {
  readonly cookies = new Map<string, string>()
  constructor(private readonly app: Hono) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await this.app.request(`${ORIGIN}${path}`, { ...init, headers })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  get(path: string): Promise<Response> {
    return this.request(path)
  }

  /** A form post, as a browser sends it (same Origin). */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
      body: new URLSearchParams(fields),
    })
  }

  /** The hidden `_csrf` value of the page at `path`. */
  async csrfToken(path = '/admin'): Promise<string> {
    const html = await (await this.get(path)).text()
    const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1]
    if (!token) throw new Error(`no CSRF field on ${path}`)
    return token
  }

  async login(username = ADMIN_USER, password = ADMIN_PASSWORD): Promise<Response> {
    const token = await this.csrfToken('/admin/login')
    return this.post('/admin/login', { _csrf: token, username, password })
  }
}

/**
 * The page with the character references the renderer writes for `@ { } : [` turned back into
 * characters (src/admin/template-data.ts), as a browser shows them. `&lt;` and friends stay.
 */
export function readable(html: string): string {
  return html.replace(/&#(64|123|125|58|91);/g, (_, code: string) => String.fromCharCode(Number(code)))
}
