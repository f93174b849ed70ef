import { afterEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import { applyMigrations } from '../../../src/storage/db/apply-migrations.ts'
import { embeddedMigrations, embeddedMigrationTags } from '../../../src/storage/db/migrations.ts'
import { openDatabase } from '../../../src/storage/db/open-database.ts'
import { createStorage } from '../../../src/storage/index.ts'
import { tempDir } from './storage-fixture.ts'

const ROOT = join(import.meta.dir, '../../..')
const DRIZZLE_DIR = join(ROOT, 'src/storage/db/migrations')
const journal = JSON.parse(readFileSync(join(DRIZZLE_DIR, 'meta/_journal.json'), 'utf8')) as {
  entries: Array<{ tag: string; when: number }>
}

const dirs: string[] = []
const fresh = () => {
  const d = tempDir('mail-migrate-')
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const tables = (sqlite: Database) =>
  sqlite
    .query<{ name: string }, []>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map(r => r.name)

const bookkeeping = (sqlite: Database) =>
  sqlite.query<{ hash: string; created_at: number }, []>('SELECT hash, created_at FROM __drizzle_migrations').all()

describe('embedded migrations', () => {
  test('apply on a fresh database, then are a no-op', () => {
    const file = join(fresh(), 'mail.db')
    const first = openDatabase(file)
    expect(first.applied).toEqual(journal.entries.map(e => e.tag))
    expect(tables(first.sqlite)).toEqual(
      expect.arrayContaining(['accounts', 'aliases', 'audit_log', 'domains', 'expunges', 'mailboxes', 'messages']),
    )
    first.close()
    const second = openDatabase(file)
    expect(second.applied).toEqual([])
    expect(bookkeeping(second.sqlite)).toHaveLength(journal.entries.length)
    second.close()
  })

  test("use drizzle's bookkeeping: same hash and created_at as drizzle's migrator", () => {
    const opened = openDatabase(join(fresh(), 'mail.db'))
    const rows = bookkeeping(opened.sqlite)
    expect(rows).toEqual(
      journal.entries.map(e => ({
        hash: createHash('sha256')
          .update(readFileSync(join(DRIZZLE_DIR, `${e.tag}.sql`), 'utf8'))
          .digest('hex'),
        created_at: e.when,
      })),
    )
    // drizzle-orm's own migrator sees our database as up to date …
    migrate(opened.db, { migrationsFolder: DRIZZLE_DIR })
    expect(bookkeeping(opened.sqlite)).toHaveLength(journal.entries.length)
    opened.close()
  })

  test("… and we see a database migrated by drizzle's migrator as up to date", () => {
    const file = join(fresh(), 'mail.db')
    const sqlite = new Database(file, { create: true })
    migrate(drizzle({ client: sqlite }), { migrationsFolder: DRIZZLE_DIR })
    expect(applyMigrations(sqlite, embeddedMigrations())).toEqual([])
    sqlite.close()
  })

  test('the embedded list matches drizzle/ (add an import to migrations.ts after drizzle-kit generate)', () => {
    const sqlFiles = readdirSync(DRIZZLE_DIR)
      .filter(f => f.endsWith('.sql'))
      .map(f => f.slice(0, -4))
      .sort()
    expect(journal.entries.map(e => e.tag).sort()).toEqual(sqlFiles)
    expect(embeddedMigrationTags().sort()).toEqual(sqlFiles)
    for (const m of embeddedMigrations()) {
      expect(m.sql).toBe(readFileSync(join(DRIZZLE_DIR, `${m.tag}.sql`), 'utf8'))
    }
  })

  test('a journal entry without an embedded file is a clear error', () => {
    expect(() => embeddedMigrations({ entries: [{ tag: '0001_missing', when: 1 }] }, {})).toThrow(
      /0001_missing .* not imported in migrations.ts/,
    )
  })

  test('only migrations newer than the last applied run', () => {
    const sqlite = new Database(':memory:')
    const base = { tag: 'a', when: 100, sql: 'CREATE TABLE a (x)' }
    expect(applyMigrations(sqlite, [base])).toEqual(['a'])
    const next = { tag: 'b', when: 200, sql: 'CREATE TABLE b (x);\n--> statement-breakpoint\nCREATE TABLE c (x)' }
    expect(applyMigrations(sqlite, [base, next])).toEqual(['b'])
    expect(tables(sqlite)).toEqual(['__drizzle_migrations', 'a', 'b', 'c'])
    sqlite.close()
  })

  test('a failing migration rolls back completely', () => {
    const sqlite = new Database(':memory:')
    const bad = { tag: 'bad', when: 1, sql: 'CREATE TABLE ok (x);\n--> statement-breakpoint\nCREATE TABLE broken (' }
    expect(() => applyMigrations(sqlite, [bad])).toThrow()
    expect(tables(sqlite)).toEqual(['__drizzle_migrations'])
    expect(bookkeeping(sqlite)).toEqual([])
    sqlite.close()
  })

  test('run from a bundle where drizzle/ is not on the filesystem; concurrent openers migrate once', async () => {
    const work = fresh()
    const entry = join(work, 'entry.ts')
    writeFileSync(
      entry,
      `import { openDatabase } from ${JSON.stringify(join(ROOT, 'src/storage/db/open-database.ts'))}\n` +
        'const db = openDatabase(process.argv[2])\n' +
        'console.log(JSON.stringify({ applied: db.applied }))\n' +
        'db.close()\n',
    )
    const built = await Bun.build({ entrypoints: [entry], outdir: join(work, 'out'), target: 'bun' })
    expect(built.success).toBe(true)
    const bundle = join(work, 'out', 'entry.js')
    // The bundle lives in a directory with no drizzle/ anywhere above it that it could read.
    expect(readFileSync(bundle, 'utf8')).toContain('CREATE TABLE `messages`')
    const dbFile = join(work, 'shared.db')
    const runs = await Promise.all(
      [1, 2, 3].map(async () => {
        const proc = Bun.spawn([process.execPath, bundle, dbFile], { cwd: work, stdout: 'pipe', stderr: 'pipe' })
        const [out, err, code] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ])
        return { out, err, code }
      }),
    )
    for (const run of runs) expect(run).toMatchObject({ code: 0, err: '' })
    const applied = runs.map(r => (JSON.parse(r.out) as { applied: string[] }).applied)
    expect(applied.filter(a => a.length > 0)).toHaveLength(1)
    const check = new Database(dbFile, { readonly: true })
    expect(bookkeeping(check)).toHaveLength(journal.entries.length)
    check.close()
  })
})

describe('connection settings', () => {
  test('WAL, synchronous=FULL, busy_timeout 5000, foreign keys on', () => {
    const opened = openDatabase(join(fresh(), 'mail.db'))
    const pragma = (name: string) => opened.sqlite.query<Record<string, unknown>, []>(`PRAGMA ${name}`).get()
    expect(pragma('journal_mode')).toEqual({ journal_mode: 'wal' })
    expect(pragma('synchronous')).toEqual({ synchronous: 2 }) // 2 = FULL
    expect(pragma('busy_timeout')).toEqual({ timeout: 5000 })
    expect(pragma('foreign_keys')).toEqual({ foreign_keys: 1 })
    opened.close()
  })
})

describe('unusable data directory', () => {
  test('a path below a regular file fails with data_dir_not_writable and creates nothing', async () => {
    const parent = fresh()
    const blocker = join(parent, 'not-a-directory')
    writeFileSync(blocker, 'x')
    const dataDir = join(blocker, 'data')
    await expect(createStorage({ dataDir })).rejects.toMatchObject({
      name: 'MailError',
      kind: 'user',
      codes: { code: 'data_dir_not_writable' },
      message: expect.stringContaining(dataDir),
    })
    expect(readdirSync(parent)).toEqual(['not-a-directory'])
    expect(readFileSync(blocker, 'utf8')).toBe('x')
  })

  test('a database that cannot be opened leaves no maildir/ behind', async () => {
    const dataDir = fresh()
    mkdirSync(join(dataDir, 'mail.db')) // a directory where the database file should be
    await expect(createStorage({ dataDir })).rejects.toMatchObject({ codes: { code: 'database_open_failed' } })
    expect(readdirSync(dataDir)).toEqual(['mail.db'])
  })

  test('a failure after creating the directories removes them again', () => {
    const parent = fresh()
    const file = join(parent, 'a', 'b', 'mail.db')
    const bad = [{ tag: 'bad', when: 1, sql: 'CREATE TABLE broken (' }]
    expect(() => openDatabase(file, { migrations: bad })).toThrow(
      expect.objectContaining({ codes: expect.objectContaining({ code: 'database_open_failed' }) }),
    )
    expect(existsSync(join(parent, 'a'))).toBe(false)
    expect(readdirSync(parent)).toEqual([])
  })
})
