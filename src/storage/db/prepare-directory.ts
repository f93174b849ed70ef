// Creates a directory the server will write to and proves it is writable, or fails with one clear
// error. Root ignores permission bits, so the proof is an actual file create + unlink, not access().
// On failure, directories this call created are removed again: a failed start leaves no half tree.
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { MailError, errorMessage } from '../../core/errors.ts'

export interface PreparedDirectory {
  /** Top-most directory created by this call (undefined when it already existed); remove it to undo. */
  created: string | undefined
}

export const notWritableError = (dir: string, cause: unknown) =>
  new MailError(
    'user',
    `data directory ${dir} is not usable: ${errorMessage(cause)}`,
    { code: 'data_dir_not_writable', http: 500 },
    { cause },
  )

export function prepareDirectory(dir: string): PreparedDirectory {
  let created: string | undefined
  try {
    created = mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw notWritableError(dir, e)
  }
  const probe = join(dir, `.write-probe-${process.pid}-${crypto.randomUUID()}`)
  try {
    const fd = openSync(probe, 'wx')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    unlinkSync(probe)
  } catch (e) {
    undoPrepare({ created })
    throw notWritableError(dir, e)
  }
  return { created }
}

/** Remove what prepareDirectory created (best effort; the original error matters more). */
export function undoPrepare(prepared: PreparedDirectory): void {
  if (prepared.created === undefined) return
  try {
    rmSync(prepared.created, { recursive: true, force: true })
  } catch {
    // nothing more to do: the caller reports the first error
  }
}
