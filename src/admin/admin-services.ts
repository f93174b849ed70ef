// What the admin routes work with: the server's deps plus the panel's own stores and renderer.
import type { ServerDeps } from '../core/server-deps.ts'
import type { BuildInfo } from '../core/version.ts'
import type { DkimKeySource } from '../domains/dkim-key-source.ts'
import type { ReadinessProbe } from '../observability/readiness.ts'
import type { AdminSession, AdminSessionStore } from './admin-sessions.ts'
import type { AdminUserRepository } from './admin-users.ts'
import type { PageRenderer } from './render-page.ts'

export interface AdminServices {
  deps: ServerDeps
  probes: readonly ReadinessProbe[]
  build: BuildInfo
  startedAt: number
  admins: AdminUserRepository
  sessions: AdminSessionStore
  renderer: PageRenderer
  /** DKIM public keys for the DNS record list of a domain. */
  dkimKeys: DkimKeySource
}

/** Hono environment of the admin routes: the signed-in session, set by require-session.ts. */
export interface AdminEnv {
  Variables: { session: AdminSession }
}
