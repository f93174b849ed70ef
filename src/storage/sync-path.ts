// fsync / fdatasync of a path with a single trip to Bun's file-system thread pool.
//
// That pool has about one thread per core (two here) and runs every asynchronous file operation
// of the process. Under a delivery load both threads spend most of their time waiting in fsync, and
// every other task queues behind them, so the handle API's open → sync → close costs three waits.
// Opening and closing an existing file or directory read-only is a path lookup and descriptor
// bookkeeping without disk I/O, so those run on the calling thread; only the sync, which waits for
// the disk, goes to the pool (never a synchronous fsync on the event loop).
import { closeSync, fdatasync, fsync, openSync } from 'node:fs'

export type SyncMode = 'fsync' | 'fdatasync'

export async function syncPath(path: string, mode: SyncMode = 'fsync'): Promise<void> {
  const fd = openSync(path, 'r')
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (e: NodeJS.ErrnoException | null) => (e ? reject(e) : resolve())
      if (mode === 'fsync') fsync(fd, done)
      else fdatasync(fd, done)
    })
  } finally {
    closeSync(fd)
  }
}
