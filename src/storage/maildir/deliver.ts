// Atomic, durable delivery into a Maildir folder (DESIGN.md "Write path"; mox store/account.go):
//
//   1. write tmp/<unique>, set its mtime to the internal date, fsync the file;
//   2. rename it to cur/<unique>,S=<size>:2,<flags>;
//   3. fsync cur/ so the rename is on disk;
// and only then does the caller commit the index row and answer 250/OK. The message repository
// does steps 2–3 itself for deliveries, so that concurrent ones share the cur/ fsync
// (repositories/delivery-committer.ts).
//
// Why cur/ and not new/: new/ means "not yet seen by any client". We index the file in the same
// operation, so every IMAP/POP3 client learns about it through the index (and \Recent is session
// state), and APPEND may carry flags, which only names in cur/ can hold. Other Maildir readers
// treat cur/ files without \Seen as unread, which is what they are.
//
// The mtime is the IMAP internal date, as Dovecot keeps it, so reconcile (and other tools)
// recover it from the file.
import { open, rename, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { formatMaildirName } from './flags.ts'
import { syncDirectory } from './sync-directory.ts'
import { type UniqueNameGenerator, withSize } from './unique-name.ts'

export type MessageContent = Uint8Array | AsyncIterable<Uint8Array>

export interface TmpFile {
  /** Name inside tmp/. */
  name: string
  path: string
  size: number
}

export interface DeliveredFile {
  /** Name inside cur/ (with `:2,` info). */
  fileName: string
  path: string
  size: number
}

/** Step 1: write the content to tmp/ and fsync it. Removes the partial file if anything fails. */
export async function writeTmpFile(
  dir: string,
  name: string,
  content: MessageContent,
  internalDate: number,
  options: { sync?: boolean } = {},
): Promise<TmpFile> {
  const path = join(dir, 'tmp', name)
  // sync: false leaves the fsync to the caller, which syncs a whole batch of files at once
  // (repositories/delivery-committer.ts); only for content in memory.
  if (content instanceof Uint8Array) return writeWholeTmpFile(path, name, content, internalDate, options.sync ?? true)
  const handle = await open(path, 'wx', 0o600)
  let size = 0
  try {
    if (content instanceof Uint8Array) {
      size = await writeAll(handle, content)
    } else {
      for await (const chunk of content) size += await writeAll(handle, chunk)
    }
    const when = new Date(internalDate)
    await handle.utimes(when, when)
    await handle.sync()
  } catch (e) {
    await handle.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw e
  }
  await handle.close()
  return { name, path, size }
}

/**
 * A message already in memory: Bun runs open, write, fsync and close of `writeFile(…, { flush })` as
 * one task on its small file-system thread pool (about one thread per core, shared by every file
 * operation), where the handle-based path takes four trips. Doing these steps synchronously here
 * instead was measured to be worse: creating a file takes an ext4 journal handle, which waits while
 * another thread's fsync commits the journal, and the event loop would stall with it.
 *
 * The mtime is set afterwards, and only when it would not already say the internal date to the
 * second (IMAP's INTERNALDATE resolution, RFC 3501 §2.3.3): an SMTP delivery's internal date is
 * "now", so it saves a pool trip per message. The file is not in cur/ yet, and the internal date is
 * durable in the index row anyway.
 */
async function writeWholeTmpFile(path: string, name: string, content: Uint8Array, internalDate: number, sync: boolean) {
  try {
    const before = Date.now()
    await writeFile(path, content, { flag: 'wx', mode: 0o600, flush: sync })
    const second = Math.floor(internalDate / 1000)
    if (Math.floor(before / 1000) !== second || Math.floor(Date.now() / 1000) !== second) {
      const when = new Date(internalDate)
      await utimes(path, when, when)
    }
  } catch (e) {
    // EEXIST: the name belongs to another file ('wx'), which is not ours to remove.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') await unlink(path).catch(() => {})
    throw e
  }
  return { name, path, size: content.length }
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<number> {
  let offset = 0
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
    offset += bytesWritten
  }
  return bytes.length
}

/** Steps 2–3: move a synced tmp/ file into cur/ under its final name and fsync cur/. */
export async function publishTmpFile(dir: string, tmp: TmpFile, fileName: string): Promise<DeliveredFile> {
  const path = join(dir, 'cur', fileName)
  await rename(tmp.path, path)
  await syncDirectory(join(dir, 'cur'))
  return { fileName, path, size: tmp.size }
}

export interface DeliverOptions {
  /** Folder directory (holding cur/ new/ tmp/). */
  dir: string
  content: MessageContent
  flags: number
  internalDate: number
  names: UniqueNameGenerator
}

/** Steps 1–3 in one call. The caller indexes the file and unlinks it if indexing fails. */
export async function deliverFile(options: DeliverOptions): Promise<DeliveredFile> {
  const unique = options.names.next()
  const tmp = await writeTmpFile(options.dir, unique, options.content, options.internalDate)
  try {
    return await publishTmpFile(options.dir, tmp, formatMaildirName(withSize(unique, tmp.size), options.flags))
  } catch (e) {
    await unlink(tmp.path).catch(() => {})
    throw e
  }
}
