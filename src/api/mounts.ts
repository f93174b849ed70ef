// Route groups mounted on the one Hono app (DESIGN.md "Shape"): /api/v1, /admin, /dav, /metrics,
// autoconfig. Each issue adds its mount here; a mount registers routes on the app and keeps its
// own state out of globals.
import type { Hono } from 'hono'
import type { ServerDeps } from '../core/server-deps.ts'
import type { BuildInfo } from '../core/version.ts'
import type { ReadinessProbe } from '../observability/readiness.ts'

export interface HttpMountContext {
  deps: ServerDeps
  /** The readiness checks behind /readyz (the dashboard and the health monitor show them too). */
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
}

export type HttpMount = (app: Hono, context: HttpMountContext) => void

export const httpMounts: readonly HttpMount[] = []
