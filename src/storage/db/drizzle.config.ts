// drizzle-kit configuration: `bunx drizzle-kit generate --config src/storage/db/drizzle.config.ts --name <what>`
// writes SQL migrations to ./migrations beside this file, which migrations.ts embeds into the binary
// (text imports). Paths are relative to the project root, where drizzle-kit runs.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  // schema.ts holds the core tables; each later concern keeps its tables in schema-<concern>.ts.
  schema: ['./src/storage/db/schema.ts', './src/storage/db/schema-*.ts'],
  out: './src/storage/db/migrations',
})
