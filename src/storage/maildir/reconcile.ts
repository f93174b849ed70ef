// Filesystem half of the start-up reconcile (DESIGN.md "Storage contract"); the index half is in
// repositories/reconcile.ts. For one folder it:
//   - creates missing cur/ new/ tmp/;
//   - moves files from new/ to cur/ (appending ":2," as the Maildir spec says for that move):
//     mail dropped into new/ by another MDA becomes visible through the index;
//   - removes files in tmp/ older than 36 hours. Those are deliveries that crashed before the
//     rename, so never acknowledged; the Maildir spec uses the same 36-hour rule. Younger files are
//     left alone: they may belong to a delivery in progress in another process (the CLI can run a
//     reconcile while the server delivers). Age is judged by ctime as well as mtime, because
//     delivery sets the mtime to the internal date, which an IMAP APPEND may put years back;
//   - lists cur/ with the flags parsed from each name.
import { lstat, readdir, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type MaildirName, parseMaildirName } from './flags.ts'
import { ensureMaildirFolder } from './maildir-folder.ts'
import { syncDirectory } from './sync-directory.ts'

export const TMP_MAX_AGE_MS = 36 * 60 * 60 * 1000

export interface ScannedFile extends MaildirName {
  name: string
  size: number
  mtimeMs: number
}

export interface FolderScan {
  files: ScannedFile[]
  movedFromNew: number
  tmpRemoved: number
}

export interface ScanOptions {
  now: number
  subfolder: boolean
  tmpMaxAgeMs?: number
}

const isMessageName = (name: string) => !name.startsWith('.')

export async function scanMaildirFolder(dir: string, options: ScanOptions): Promise<FolderScan> {
  await ensureMaildirFolder(dir, { subfolder: options.subfolder })
  const movedFromNew = await moveNewToCur(dir)
  const tmpRemoved = await removeStaleTmp(dir, options.now - (options.tmpMaxAgeMs ?? TMP_MAX_AGE_MS))
  const files: ScannedFile[] = []
  for (const name of await readdir(join(dir, 'cur'))) {
    if (!isMessageName(name)) continue
    try {
      const info = await stat(join(dir, 'cur', name))
      if (!info.isFile()) continue
      files.push({ name, size: info.size, mtimeMs: info.mtimeMs, ...parseMaildirName(name) })
    } catch {
      // vanished between readdir and stat: the next reconcile sees the final state
    }
  }
  return { files, movedFromNew, tmpRemoved }
}

async function moveNewToCur(dir: string): Promise<number> {
  let moved = 0
  for (const name of await readdir(join(dir, 'new'))) {
    if (!isMessageName(name)) continue
    const target = name.includes(':') ? name : `${name}:2,`
    try {
      if (!(await lstat(join(dir, 'new', name))).isFile()) continue
      await rename(join(dir, 'new', name), join(dir, 'cur', target))
      moved++
    } catch {
      // taken by another reader meanwhile
    }
  }
  if (moved > 0) {
    await syncDirectory(join(dir, 'cur'))
    await syncDirectory(join(dir, 'new'))
  }
  return moved
}

async function removeStaleTmp(dir: string, olderThan: number): Promise<number> {
  let removed = 0
  for (const name of await readdir(join(dir, 'tmp'))) {
    try {
      const path = join(dir, 'tmp', name)
      const info = await lstat(path)
      if (info.isFile() && Math.max(info.mtimeMs, info.ctimeMs) < olderThan) {
        await unlink(path)
        removed++
      }
    } catch {
      // already gone
    }
  }
  if (removed > 0) await syncDirectory(join(dir, 'tmp'))
  return removed
}
