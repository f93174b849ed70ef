// Login sessions of the admin panel (table admin_sessions). The cookie carries a random token; the
// row is keyed by its SHA-256, so reading the database (a backup, a stolen disk) opens no session.
// A session ends after `idleTimeoutMs` without a request, `maxAgeMs` after login, or at logout.
import { eq, lte, or } from 'drizzle-orm'
import type { Clock } from '../core/clock.ts'
import { adminSessions, adminUsers } from '../storage/db/schema-admin.ts'
import type { Storage } from '../storage/storage.ts'
import { randomToken, sha256Hex } from './secret-token.ts'

export interface AdminSessionOptions {
  /** Ends a session this long after its last request. Default 30 minutes (OWASP: 15-30 min for admin). */
  idleTimeoutMs?: number
  /** Ends a session this long after login, however active. Default 12 hours. */
  maxAgeMs?: number
}

export type FlashKind = 'ok' | 'error'

export interface Flash {
  kind: FlashKind
  text: string
}

export interface AdminSession {
  /** Digest of the cookie token (the row key). */
  id: string
  adminUserId: number
  username: string
  csrfToken: string
  createdAt: number
  lastSeenAt: number
}

export interface AdminSessionStore {
  /** A new session; `token` goes into the cookie and is not stored. */
  create(adminUserId: number): { token: string; session: AdminSession }
  /** The live session for a cookie token (touching it), or null when unknown or expired (then deleted). */
  resolve(token: string): AdminSession | null
  /** End the session of this token (logout). Unknown tokens are ignored. */
  destroy(token: string): void
  /** Keep one message for the next page of this session. */
  setFlash(sessionId: string, flash: Flash): void
  /** The pending message, removed as it is read. */
  takeFlash(sessionId: string): Flash | null
  /** Delete expired sessions (done at every login). Returns how many. */
  purgeExpired(): number
}

export interface AdminSessionStoreDeps {
  storage: Pick<Storage, 'db'>
  clock: Clock
  options?: AdminSessionOptions
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000
const DEFAULT_MAX_AGE_MS = 12 * 3_600_000
// Writing last_seen_at on every request would turn each page view into a database write; a minute
// of slack on a 30-minute idle timeout is harmless.
const TOUCH_INTERVAL_MS = 60_000

export function createAdminSessionStore(deps: AdminSessionStoreDeps): AdminSessionStore {
  const { db } = deps.storage
  const idleTimeoutMs = deps.options?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const maxAgeMs = deps.options?.maxAgeMs ?? DEFAULT_MAX_AGE_MS
  const expired = (row: { createdAt: number; lastSeenAt: number }, now: number) =>
    now - row.lastSeenAt >= idleTimeoutMs || now - row.createdAt >= maxAgeMs

  return {
    create(adminUserId) {
      const token = randomToken()
      const now = deps.clock.now()
      const row = db
        .insert(adminSessions)
        .values({ id: sha256Hex(token), adminUserId, csrfToken: randomToken(), createdAt: now, lastSeenAt: now })
        .returning()
        .get()
      const user = db
        .select({ username: adminUsers.username })
        .from(adminUsers)
        .where(eq(adminUsers.id, adminUserId))
        .get()
      return {
        token,
        session: {
          id: row.id,
          adminUserId,
          username: user?.username ?? '',
          csrfToken: row.csrfToken,
          createdAt: row.createdAt,
          lastSeenAt: row.lastSeenAt,
        },
      }
    },

    resolve(token) {
      if (token === '') return null
      const id = sha256Hex(token)
      const row = db
        .select({ session: adminSessions, username: adminUsers.username })
        .from(adminSessions)
        .innerJoin(adminUsers, eq(adminUsers.id, adminSessions.adminUserId))
        .where(eq(adminSessions.id, id))
        .get()
      if (!row) return null
      const now = deps.clock.now()
      if (expired(row.session, now)) {
        db.delete(adminSessions).where(eq(adminSessions.id, id)).run()
        return null
      }
      let lastSeenAt = row.session.lastSeenAt
      if (now - lastSeenAt >= TOUCH_INTERVAL_MS) {
        lastSeenAt = now
        db.update(adminSessions).set({ lastSeenAt }).where(eq(adminSessions.id, id)).run()
      }
      return {
        id,
        adminUserId: row.session.adminUserId,
        username: row.username,
        csrfToken: row.session.csrfToken,
        createdAt: row.session.createdAt,
        lastSeenAt,
      }
    },

    destroy(token) {
      if (token !== '')
        db.delete(adminSessions)
          .where(eq(adminSessions.id, sha256Hex(token)))
          .run()
    },

    setFlash(sessionId, flash) {
      db.update(adminSessions)
        .set({ flashJson: JSON.stringify(flash) })
        .where(eq(adminSessions.id, sessionId))
        .run()
    },

    takeFlash(sessionId) {
      const row = db
        .select({ flashJson: adminSessions.flashJson })
        .from(adminSessions)
        .where(eq(adminSessions.id, sessionId))
        .get()
      if (!row?.flashJson) return null
      db.update(adminSessions).set({ flashJson: null }).where(eq(adminSessions.id, sessionId)).run()
      return parseFlash(row.flashJson)
    },

    purgeExpired() {
      const now = deps.clock.now()
      return db
        .delete(adminSessions)
        .where(or(lte(adminSessions.lastSeenAt, now - idleTimeoutMs), lte(adminSessions.createdAt, now - maxAgeMs)))
        .returning({ id: adminSessions.id })
        .all().length
    },
  }
}

function parseFlash(json: string): Flash | null {
  try {
    const value = JSON.parse(json) as Partial<Flash>
    if ((value.kind === 'ok' || value.kind === 'error') && typeof value.text === 'string')
      return { kind: value.kind, text: value.text }
  } catch {
    // A row written by another version: drop the message rather than fail the page.
  }
  return null
}
