// drizzle-kit configuration: `bunx drizzle-kit generate --name <what>` writes SQL migrations to
// ./drizzle, which src/storage/db/migrations.ts embeds into the binary (text imports).
import { defineConfig } from 'drizzle-kit'

export default defineConfig({ dialect: 'sqlite', schema: './src/storage/db/schema.ts', out: './drizzle' })
