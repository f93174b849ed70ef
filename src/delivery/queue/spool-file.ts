// Durable spool files for the outbound queue (DESIGN.md "Write path", applied to the queue): write a
// hidden temp file, fsync it, rename it into place, fsync the directory. The queue row is committed
// only after this returns, so a row never points at a file that a crash could take away; a file
// without a row (crash in between) was never acknowledged and is removed at start-up.
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { MessageContent } from '../../storage/index.ts'
import { syncDirectory } from '../../storage/maildir/sync-directory.ts'

export const SPOOL_DIRECTORY = 'queue'
export const SPOOL_EXTENSION = '.eml'
/** Prefix of files still being written; never a queue id (ids start with a letter). */
export const SPOOL_TMP_PREFIX = '.tmp-'

export interface SpoolFile {
  /** Absolute path. */
  path: string
  size: number
}

/** Create the spool directory (and make its entry durable in the data directory) if missing. */
export async function ensureSpoolDirectory(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true })
  if (created !== undefined) await syncDirectory(dirname(dir))
}

/** Write `content` to `<dir>/<name>` durably. Removes the temp file when anything fails. */
export async function writeSpoolFile(dir: string, name: string, content: MessageContent): Promise<SpoolFile> {
  await ensureSpoolDirectory(dir)
  const tmp = join(dir, `${SPOOL_TMP_PREFIX}${name}`)
  const path = join(dir, name)
  const handle = await open(tmp, 'wx', 0o600)
  let size = 0
  try {
    if (content instanceof Uint8Array) size = await writeAll(handle, content)
    else for await (const chunk of content) size += await writeAll(handle, chunk)
    await handle.sync()
    await handle.close()
  } catch (e) {
    await handle.close().catch(() => {})
    await unlink(tmp).catch(() => {})
    throw e
  }
  try {
    await rename(tmp, path)
    await syncDirectory(dir)
  } catch (e) {
    await unlink(tmp).catch(() => {})
    await unlink(path).catch(() => {})
    throw e
  }
  return { path, size }
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<number> {
  let offset = 0
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
    offset += bytesWritten
  }
  return bytes.length
}
