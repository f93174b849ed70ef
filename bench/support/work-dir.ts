// A bench's working directory, in an ext4 block group of its own where the file system allows, and
// a probe of how fast files can be created there, printed with the result.
//
// On ext4 without a journal (the root file system of this project's VMs), creating a file scans
// past every inode of its block group that was deleted in the last minutes (the kernel's
// recently_deleted(): one to six minutes), and a new file goes to its directory's group. A bench
// deletes tens of thousands of files when it ends, so the next run within minutes — or a run right
// after the test suite — created files at a tenth of the usual speed (≈450 µs instead of ≈25 µs of
// kernel time each, seen with perf) and measured that rather than the server. Directories made
// under one flagged as the top of a hierarchy (chattr +T, EXT4_TOPDIR_FL) are spread over the block
// groups by the Orlov allocator as top-level ones are, so each run usually starts in a group of its
// own. Best effort: where chattr or the flag is missing nothing changes, and the probe tells.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function benchWorkDir(prefix: string): string {
  const parent = path.join(os.tmpdir(), 'mail-server-bench')
  fs.mkdirSync(parent, { recursive: true })
  try {
    Bun.spawnSync(['chattr', '+T', parent], { stdout: 'ignore', stderr: 'ignore' })
  } catch {
    // no chattr here
  }
  return fs.mkdtempSync(path.join(parent, prefix))
}

/** Microseconds per file to create, write 4 KiB, and rename 200 files in `dir` (kept there). */
export function fileCreateMicros(dir: string): number {
  const probe = path.join(dir, 'create-probe')
  fs.mkdirSync(path.join(probe, 'tmp'), { recursive: true })
  fs.mkdirSync(path.join(probe, 'cur'))
  const bytes = new Uint8Array(4096).fill(0x78)
  const count = 200
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const tmp = path.join(probe, 'tmp', `f${i}`)
    const fd = fs.openSync(tmp, 'wx', 0o600)
    fs.writeSync(fd, bytes)
    fs.closeSync(fd)
    fs.renameSync(tmp, path.join(probe, 'cur', `f${i}`))
  }
  return Math.round(((performance.now() - start) * 1000) / count)
}
