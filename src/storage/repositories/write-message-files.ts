// Writing a batch of message files into a Maildir folder for bulk appends (message-batch-append.ts):
// each goes to tmp/<unique> (exclusive create), gets its mtime set to the internal date
// (maildir/deliver.ts) and is renamed to its name in cur/, so cur/ never holds a partly written
// file, even when the process is killed mid-batch (reconcile indexes whatever cur/ holds). Nothing
// is synced here: the caller makes the whole batch durable at once (sync-file-system.ts).
//
// The work runs on a file worker thread (maildir-batch-worker.ts), so the caller's event loop goes
// on meanwhile; where no worker can run, here, with the same steps.
import { unlinkSync } from 'node:fs'
import {
  type FileJob,
  type MaildirBatchWorker,
  sharedMaildirBatchWorker,
  writeFilesHere,
} from './maildir-batch-worker.ts'

export interface MessageFile {
  /** Final name in cur/ (`<unique>,S=<size>:2,<flags>`); the unique part names the tmp/ file. */
  fileName: string
  content: Uint8Array
  /** Internal date (ms), kept as the file's mtime. */
  mtime: number
}

export interface WriteOptions {
  /** The worker to use; null writes on this thread. Default: the process's shared worker. */
  worker?: MaildirBatchWorker | null
}

/**
 * Write `files` into the folder `dir`; resolves with their paths in cur/, in input order. On a
 * failure no file of the batch is left (in tmp/ or cur/) and it rejects with the first error.
 */
export async function writeMessageFiles(
  dir: string,
  files: readonly MessageFile[],
  options: WriteOptions = {},
): Promise<string[]> {
  const jobs = files.map(file => fileJobFor(dir, file))
  const paths = jobs.map(job => job.path)
  const worker = options.worker === undefined ? sharedMaildirBatchWorker('write') : options.worker
  const onWorker = worker?.writeFiles(jobs)
  if (!onWorker) {
    writeFilesHere(jobs)
    return paths
  }
  try {
    await onWorker
  } catch (e) {
    // The worker removed what it wrote, unless it died mid-batch: then cur/ is cleared here (tmp/
    // leftovers go with reconcile's 36-hour rule).
    removeMessageFiles(paths)
    throw e
  }
  return paths
}

/**
 * Where a message file of the folder `dir` is written (tmp/<unique>) and published (cur/<name>);
 * the delivery committer names the files it writes for SMTP deliveries the same way.
 */
export function fileJobFor(dir: string, file: MessageFile): FileJob {
  const comma = file.fileName.indexOf(',')
  const unique = comma < 0 ? file.fileName : file.fileName.slice(0, comma)
  // Plain concatenation (path.join per file showed in the SMTP profile): `dir` is a folder path
  // and the names are ours; a trailing slash on `dir` would only double one.
  return {
    tmp: `${dir}/tmp/${unique}`,
    path: `${dir}/cur/${file.fileName}`,
    content: file.content,
    mtime: file.mtime,
  }
}

/** Remove files of a batch that was not indexed (missing ones are fine). */
export function removeMessageFiles(paths: readonly string[]): void {
  for (const path of paths) {
    try {
      unlinkSync(path)
    } catch {
      // never written, or removed already
    }
  }
}
