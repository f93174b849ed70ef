// fsync a directory so a rename/link/unlink in it survives power loss (POSIX leaves directory
// entries in the page cache until the directory itself is synced; mox moxio/syncdir.go).
import { syncPath } from '../sync-path.ts'

export const syncDirectory = (path: string): Promise<void> => syncPath(path, 'fsync')
