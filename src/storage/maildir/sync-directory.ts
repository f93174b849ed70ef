// fsync a directory so a rename/link/unlink in it survives power loss (POSIX leaves directory
// entries in the page cache until the directory itself is synced; mox moxio/syncdir.go).
import { open } from 'node:fs/promises'

export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
