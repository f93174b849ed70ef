// Keep `:2,FLAGS` in step with the system flags (DESIGN.md "Storage contract"): other Maildir
// tools read flags from the name. The rename is made durable (fsync cur/) before the caller commits
// the new flags, so a crash leaves either the old state or a file reconcile reads the new flags from.
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { formatMaildirName, parseMaildirName } from './flags.ts'
import { locateByBase } from './locate-file.ts'
import { syncDirectory } from './sync-directory.ts'

/**
 * Rename the file known as `currentName` (in cur/) so its info matches `flags`; unmapped info
 * letters are kept. Returns the new name, or null when the file no longer exists anywhere.
 */
export async function renameForFlags(dir: string, currentName: string, flags: number): Promise<string | null> {
  const { base } = parseMaildirName(currentName)
  for (let attempt = 0; attempt < 3; attempt++) {
    const found =
      attempt === 0
        ? { sub: 'cur' as const, name: currentName, path: join(dir, 'cur', currentName) }
        : await locateByBase(dir, base)
    if (found === null) return null
    const target = formatMaildirName(base, flags, parseMaildirName(found.name).extra)
    if (found.sub === 'cur' && found.name === target) return target
    try {
      await rename(found.path, join(dir, 'cur', target))
      await syncDirectory(join(dir, 'cur'))
      if (found.sub === 'new') await syncDirectory(join(dir, 'new'))
      return target
    } catch (e) {
      // Renamed underneath us (another tool, a concurrent flag change): look it up again.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
  return null
}
