// Route groups mounted on the one Hono app (DESIGN.md "Shape"): /api/v1, /admin, /dav, /metrics,
// autoconfig. Each issue adds its mount here; a mount registers routes on the app and keeps its
// own state out of globals.
import type { Hono } from 'hono'
import type { ServerDeps } from '../core/server-deps.ts'
import type { BuildInfo } from '../core/version.ts'
import type { ReadinessProbe } from '../observability/readiness.ts'
import { metricsMount } from './routes/metrics.ts'
import { lazyMount } from './lazy-mount.ts'

export interface HttpMountContext {
  deps: ServerDeps
  /** The readiness checks behind /readyz (the dashboard and the health monitor show them too). */
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
}

export type HttpMount = (app: Hono, context: HttpMountContext) => void

export const httpMounts: readonly HttpMount[] = [
  metricsMount, // /metrics (Prometheus)
  // The mounts below load on their first request (./lazy-mount.ts: idle memory).
  lazyMount({
    // Thunderbird autoconfig, Outlook Autodiscover, Apple .mobileconfig, the MTA-STS policy
    paths: [
      '/mail/config-v1.1.xml',
      '/.well-known/autoconfig',
      '/autodiscover',
      '/Autodiscover',
      '/apple/mobileconfig',
      '/.well-known/mta-sts.txt',
    ],
    load: () => import('../autoconfig/autoconfig-routes.ts').then(m => m.autoconfigMount),
  }),
  lazyMount({
    // /api/v1 (REST, OpenAPI at /api/v1/openapi.json)
    paths: ['/api/v1'],
    load: () => import('./v1/mount.ts').then(m => m.apiV1Mount),
  }),
  lazyMount({
    // /admin (web admin panel)
    paths: ['/admin'],
    load: () => import('../admin/admin-mount.ts').then(m => m.adminMount),
  }),
  lazyMount({
    // /dav (CalDAV, CardDAV), discovery at /.well-known/caldav|carddav and PROPFIND / (RFC 6764)
    paths: ['/dav', '/.well-known/caldav', '/.well-known/carddav'],
    routes: [{ method: 'PROPFIND', path: '/' }],
    load: () => import('../dav/dav-mount.ts').then(m => m.davMount),
  }),
]
