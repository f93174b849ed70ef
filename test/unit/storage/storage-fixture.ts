// Test fixture: a real storage (SQLite + Maildir) in a fresh temp directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../../src/auth/passwords.ts'
import type { Clock } from '../../../src/core/clock.ts'
import { createStorage, type Storage } from '../../../src/storage/index.ts'

export interface Fixture {
  dir: string
  storage: Storage
  /** Extra storages opened on the same directory (closed by cleanup). */
  open(): Promise<Storage>
  cleanup(): void
}

export const tempDir = (prefix = 'mail-storage-') => mkdtempSync(join(tmpdir(), prefix))

export async function storageFixture(options: { clock?: Clock } = {}): Promise<Fixture> {
  const dir = tempDir()
  const opened: Storage[] = []
  const open = async () => {
    const s = await createStorage({ dataDir: dir, clock: options.clock, hostname: 'test.example' })
    opened.push(s)
    return s
  }
  const storage = await open()
  return {
    dir,
    storage,
    open,
    cleanup() {
      for (const s of opened) s.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Argon2id takes ~150 ms; tests that create many accounts reuse one hash of this password.
export const TEST_PASSWORD = 'correct horse battery staple'
let cachedHash: Promise<string> | undefined
export const testPasswordHash = () => {
  cachedHash ??= hashPassword(TEST_PASSWORD)
  return cachedHash
}

export const encode = (text: string) => new TextEncoder().encode(text)

export const sampleMessage = (subject = 'hello', body = 'Hi there.\r\n') =>
  encode(
    `From: Ann Example <ann@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n` +
      `Date: Tue, 1 Apr 2025 10:00:00 +0200\r\nMessage-ID: <${subject}@example.test>\r\n\r\n${body}`,
  )
