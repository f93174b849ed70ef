// Drizzle migrations embedded at build time (shared notes bun-platform §5, option C): the journal
// is a JSON import and every .sql file a text import, so `bun build --compile` inlines them and
// plain `bun run` reads them the same way; nothing is looked up on the filesystem at run time.
// After `drizzle-kit generate`, add one import line per new file below (migrations.test.ts fails
// when this list and src/storage/db/migrations/meta/_journal.json disagree).
import journal from './migrations/meta/_journal.json'
import m0000 from './migrations/0000_init.sql' with { type: 'text' }
import m0001 from './migrations/0001_outbound_queue.sql' with { type: 'text' }
import m0002 from './migrations/0002_delivery.sql' with { type: 'text' }
import m0003 from './migrations/0003_api.sql' with { type: 'text' }
import m0004 from './migrations/0004_dav.sql' with { type: 'text' }
import m0005 from './migrations/0005_admin.sql' with { type: 'text' }
import m0006 from './migrations/0006_catalog_stamp.sql' with { type: 'text' }

export interface EmbeddedMigration {
  /** File name without `.sql`, as in the journal. */
  tag: string
  /** Journal `when` (ms); drizzle stores it as `created_at` and applies entries newer than the last one. */
  when: number
  /** The .sql text exactly as generated; its SHA-256 is drizzle's `hash`. */
  sql: string
}

const SQL_BY_TAG: Record<string, string> = {
  '0000_init': m0000,
  '0001_outbound_queue': m0001,
  '0002_delivery': m0002,
  '0003_api': m0003,
  '0004_dav': m0004,
  '0005_admin': m0005,
  '0006_catalog_stamp': m0006,
}

export interface MigrationJournal {
  entries: ReadonlyArray<{ tag: string; when: number }>
}

/** Join the journal with the embedded SQL; throws when a journal entry has no embedded file. */
export function embeddedMigrations(
  source: MigrationJournal = journal,
  sqlByTag: Record<string, string> = SQL_BY_TAG,
): EmbeddedMigration[] {
  return source.entries.map(entry => {
    const text = sqlByTag[entry.tag]
    if (text === undefined) {
      throw new Error(
        `migration ${entry.tag} is in src/storage/db/migrations/meta/_journal.json but not imported in migrations.ts`,
      )
    }
    return { tag: entry.tag, when: entry.when, sql: text }
  })
}

/** Tags embedded in this build (for the consistency test). */
export const embeddedMigrationTags = (): string[] => Object.keys(SQL_BY_TAG)
