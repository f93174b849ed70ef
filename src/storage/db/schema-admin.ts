// Tables of the web admin panel (/admin): administrators, who are not mail accounts (an admin
// needs no mailbox, and a mail password must not open the panel), and their login sessions.
// Written by hand into migrations/0005_admin.sql (same drizzle format as the other migrations).
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const adminUsers = sqliteTable(
  'admin_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Login name as typed at creation, compared case-insensitively (stored lower-case). */
    username: text('username').notNull(),
    /** Argon2id PHC string (src/auth/passwords.ts). */
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastLoginAt: integer('last_login_at'),
  },
  t => [uniqueIndex('admin_users_username_unique').on(t.username)],
)

export const adminSessions = sqliteTable(
  'admin_sessions',
  {
    /** SHA-256 (hex) of the session cookie's token: a copy of the database opens no session. */
    id: text('id').primaryKey(),
    adminUserId: integer('admin_user_id')
      .notNull()
      .references(() => adminUsers.id, { onDelete: 'cascade' }),
    /** Synchronizer token every form of this session carries (OWASP CSRF cheat sheet). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** One message for the next page (post/redirect/get), JSON `{ kind, text }`; null when none. */
    flashJson: text('flash_json'),
  },
  t => [index('admin_sessions_user_idx').on(t.adminUserId)],
)
