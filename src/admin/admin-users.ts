// Administrators of the web panel (table admin_users). Separate from mail accounts: an admin needs
// no mailbox, and a leaked mail password must not open the panel. Passwords are Argon2id
// (src/auth/passwords.ts), the same parameters as mail accounts.
import { asc, eq } from 'drizzle-orm'
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords.ts'
import type { Clock } from '../core/clock.ts'
import { MailError } from '../core/errors.ts'
import { adminUsers } from '../storage/db/schema-admin.ts'
import type { Storage } from '../storage/storage.ts'

export interface AdminUser {
  id: number
  username: string
  createdAt: number
  lastLoginAt: number | null
}

export interface AdminUserRepository {
  create(username: string, password: string): Promise<AdminUser>
  list(): Promise<AdminUser[]>
  get(id: number): Promise<AdminUser | null>
  setPassword(username: string, password: string): Promise<void>
  remove(username: string): Promise<void>
  /** The admin when the password is right, else null; takes as long for unknown names. */
  verify(username: string, password: string): Promise<AdminUser | null>
}

export interface AdminUserRepositoryDeps {
  storage: Pick<Storage, 'db'>
  clock: Clock
}

// Letters, digits and . _ @ - : fits in a log line and a cookie-free URL, and cannot look like markup.
const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/

/** Lower-cased name, or a clear `invalid_admin_username` error. */
export function parseAdminUsername(input: string): string {
  const name = input.trim().toLowerCase()
  if (!USERNAME.test(name)) {
    throw new MailError(
      'user',
      `invalid admin username ${JSON.stringify(input)}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`,
      { http: 400, code: 'invalid_admin_username' },
    )
  }
  return name
}

const unknownAdmin = (name: string) =>
  new MailError('user', `no admin user ${name}`, { http: 404, code: 'unknown_admin_user' })

type Row = typeof adminUsers.$inferSelect

const toAdmin = (row: Row): AdminUser => ({
  id: row.id,
  username: row.username,
  createdAt: row.createdAt,
  lastLoginAt: row.lastLoginAt,
})

export function createAdminUserRepository(deps: AdminUserRepositoryDeps): AdminUserRepository {
  const { db } = deps.storage
  // Unknown names are checked against this hash, so a failed login costs the same either way
  // (no user enumeration by timing).
  let dummyHash: Promise<string> | undefined
  const byName = (name: string) => db.select().from(adminUsers).where(eq(adminUsers.username, name)).get()

  return {
    async create(username, password) {
      const name = parseAdminUsername(username)
      const passwordHash = await hashPassword(password)
      if (byName(name)) {
        throw new MailError('user', `admin user ${name} already exists`, { http: 409, code: 'duplicate_admin_user' })
      }
      const now = deps.clock.now()
      const row = db
        .insert(adminUsers)
        .values({ username: name, passwordHash, createdAt: now, updatedAt: now })
        .returning()
        .get()
      return toAdmin(row)
    },

    async list() {
      return db.select().from(adminUsers).orderBy(asc(adminUsers.username)).all().map(toAdmin)
    },

    async get(id) {
      const row = db.select().from(adminUsers).where(eq(adminUsers.id, id)).get()
      return row ? toAdmin(row) : null
    },

    async setPassword(username, password) {
      const name = parseAdminUsername(username)
      const passwordHash = await hashPassword(password)
      const changed = db
        .update(adminUsers)
        .set({ passwordHash, updatedAt: deps.clock.now() })
        .where(eq(adminUsers.username, name))
        .returning({ id: adminUsers.id })
        .all()
      if (changed.length === 0) throw unknownAdmin(name)
    },

    async remove(username) {
      const name = parseAdminUsername(username)
      const removed = db.delete(adminUsers).where(eq(adminUsers.username, name)).returning({ id: adminUsers.id }).all()
      if (removed.length === 0) throw unknownAdmin(name)
    },

    async verify(username, password) {
      const name = username.trim().toLowerCase()
      const row = USERNAME.test(name) ? byName(name) : undefined
      if (!row) {
        dummyHash ??= hashPassword(crypto.randomUUID())
        await verifyPassword(password, await dummyHash)
        return null
      }
      if (!(await verifyPassword(password, row.passwordHash))) return null
      const now = deps.clock.now()
      // Upgrade hashes made with older parameters while the plain password is at hand.
      const passwordHash = needsRehash(row.passwordHash) ? await hashPassword(password) : row.passwordHash
      db.update(adminUsers).set({ lastLoginAt: now, passwordHash }).where(eq(adminUsers.id, row.id)).run()
      return toAdmin({ ...row, lastLoginAt: now })
    },
  }
}
