// Making many freshly written files durable at once, for bulk writers (mailbox import, restore).
//
// One fsync per file costs a journal commit each: about 290 files/s on the 2-core VM, where an
// import must reach 5,000 messages/s. Linux's syncfs(2) writes back every dirty page and inode of
// one file system in a single pass (200 ms for 5,000 4 KiB files, measured), and it reports
// write-back errors since Linux 5.8. It is reached through bun:ffi, as Node has no binding; where it
// is missing (macOS, a libc we cannot open) every file and directory is fsynced instead, a few at a
// time on the thread pool. syncfs also flushes other files of that file system, which only costs
// time: a bulk job calls it once per batch, never per message. The call itself runs on the bulk
// writers' worker thread (maildir-batch-worker.ts), so the event loop goes on meanwhile; on this
// thread only where no worker can run.
import { closeSync, openSync } from 'node:fs'
import { syncPath } from '../sync-path.ts'
import { type SyncfsOutcome, sharedMaildirBatchWorker } from './maildir-batch-worker.ts'

type SyncFs = (fd: number) => number

const LIBC_NAMES = ['libc.so.6', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1']

// Resolved once per process: whether this libc has syncfs(2) does not change while it runs.
let loaded: Promise<SyncFs | null> | null = null

function loadSyncFs(): Promise<SyncFs | null> {
  loaded ??= (async () => {
    if (process.platform !== 'linux') return null
    try {
      const { dlopen, FFIType } = await import('bun:ffi')
      for (const name of LIBC_NAMES) {
        try {
          const lib = dlopen(name, { syncfs: { args: [FFIType.i32], returns: FFIType.i32 } })
          return (fd: number) => lib.symbols.syncfs(fd)
        } catch {
          // try the next name
        }
      }
    } catch {
      // no FFI in this runtime
    }
    return null
  })()
  return loaded
}

/** The worker's syncfs; null when no worker runs here (or it died): then this thread calls it. */
async function syncfsOnWorker(anchor: string): Promise<SyncfsOutcome | null> {
  try {
    return await sharedMaildirBatchWorker('sync').syncfs(anchor)
  } catch {
    return null
  }
}

export interface SyncManyOptions {
  /** Fsyncs running at once in the fallback. */
  concurrency?: number
  /** Force the per-file fallback (tests cover both paths). */
  perFile?: boolean
}

/**
 * Make `files` and the `directories` holding their entries durable. All must be on one file
 * system (the data directory's): syncfs is called on the first directory.
 */
export async function syncMany(
  files: readonly string[],
  directories: readonly string[],
  options: SyncManyOptions = {},
): Promise<'syncfs' | 'fsync'> {
  const anchor = directories[0]
  const onWorker = options.perFile || anchor === undefined ? 'skipped' : await syncfsOnWorker(anchor)
  if (onWorker === 'synced') return 'syncfs'
  // No worker thread here: syncfs on this one. After a failed or unavailable syncfs, per-file fsyncs.
  const syncfs = onWorker === null && anchor !== undefined ? await loadSyncFs() : null
  if (syncfs && anchor !== undefined) {
    const fd = openSync(anchor, 'r')
    try {
      if (syncfs(fd) === 0) return 'syncfs'
    } finally {
      closeSync(fd)
    }
    // A failure (EIO, ENOSPC on write-back) may be one file's; per-file fsyncs name it.
  }
  const queue = [...files, ...directories]
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) await syncPath(path, 'fsync')
  })
  await Promise.all(workers)
  return 'fsync'
}
