// A real storage (SQLite + Maildir in a temp directory) holding one domain and a few accounts, for
// tests that check AUTH against storage.accounts.verifyCredentials.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStorage, type Storage } from '../../../../src/storage/index.ts'

export const ANN = { email: 'ann@example.test', password: 'correct horse battery staple' }
export const DAN = { email: 'dan@example.test', password: 'dan password 1' }

export interface AccountStorage {
  storage: Storage
  cleanup(): void
}

export async function accountStorage(): Promise<AccountStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-session-'))
  const storage = await createStorage({ dataDir: dir, hostname: 'test.example' })
  await storage.domains.add('example.test')
  await storage.accounts.create({ email: ANN.email, password: ANN.password })
  await storage.accounts.create({ email: DAN.email, password: DAN.password })
  await storage.accounts.setDisabled(DAN.email, true)
  return {
    storage,
    cleanup() {
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
