// Creating Maildir folders: cur/ new/ tmp/, plus the empty `maildirfolder` marker that Maildir++
// requires in every subfolder (not in the account root, which is INBOX).
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { syncDirectory } from './sync-directory.ts'

export const MAILDIR_SUBDIRS = ['cur', 'new', 'tmp'] as const

/** Create the folder (and any missing parents) durably; a no-op when it already exists. */
export async function ensureMaildirFolder(dir: string, options: { subfolder: boolean }): Promise<void> {
  if (await isCompleteFolder(dir, options.subfolder)) return
  await mkdir(dir, { recursive: true })
  for (const sub of MAILDIR_SUBDIRS) await mkdir(join(dir, sub), { recursive: true })
  if (options.subfolder) await writeFile(join(dir, 'maildirfolder'), '', { flag: 'a' })
  // The new entries must survive a crash before the first message is written into them.
  await syncDirectory(dir)
  await syncDirectory(dirname(dir))
}

async function isCompleteFolder(dir: string, subfolder: boolean): Promise<boolean> {
  try {
    for (const sub of MAILDIR_SUBDIRS) if (!(await stat(join(dir, sub))).isDirectory()) return false
    if (subfolder) await stat(join(dir, 'maildirfolder'))
    return true
  } catch {
    return false
  }
}
