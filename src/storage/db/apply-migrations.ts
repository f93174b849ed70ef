// Applies embedded migrations with drizzle's own bookkeeping (`__drizzle_migrations`: sha256 of the
// .sql text, journal `when` as created_at), so drizzle-orm's migrator and this one each see a
// database migrated by the other as up to date. Unlike drizzle's migrator, the check for the last
// applied migration runs inside a BEGIN IMMEDIATE transaction: the CLI and the server may open the
// same file at the same moment, and only one of them may run the DDL.
import type { Database } from 'bun:sqlite'
import type { EmbeddedMigration } from './migrations.ts'

const BREAKPOINT = '--> statement-breakpoint'

/** Apply the migrations newer than the last recorded one; returns the tags applied (empty when up to date). */
export function applyMigrations(sqlite: Database, migrations: readonly EmbeddedMigration[]): string[] {
  // Same table definition as drizzle-orm (sqlite-core/dialect.js, SQLiteSyncDialect.migrate).
  sqlite.run(
    'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
  )
  const applied: string[] = []
  const apply = sqlite.transaction(() => {
    const last = sqlite
      .query<{ created_at: number | string }, []>(
        'SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1',
      )
      .get()
    const lastWhen = last ? Number(last.created_at) : Number.NEGATIVE_INFINITY
    for (const migration of migrations) {
      if (migration.when <= lastWhen) continue
      for (const statement of migration.sql.split(BREAKPOINT)) {
        if (statement.trim() !== '') sqlite.run(statement)
      }
      const hash = new Bun.CryptoHasher('sha256').update(migration.sql).digest('hex')
      sqlite.query('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)').run(hash, migration.when)
      applied.push(migration.tag)
    }
  })
  apply.immediate()
  return applied
}
