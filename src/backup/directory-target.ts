// A directory as backup target (a mounted disk, NFS, a USB drive). Each object is written to a
// temporary name and renamed into place, so a reader never sees half an object; sync() fsyncs the
// files and directories written so far (sync-file-system.ts), and the snapshot's summary, written
// last, is only put after that.
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { syncMany } from '../storage/repositories/sync-file-system.ts'
import type { BackupTarget, StoredObject } from './backup-target.ts'
import { objectMissing } from './backup-errors.ts'

export function createDirectoryTarget(root: string): BackupTarget {
  const base = resolve(root)
  const written: string[] = []
  const dirs = new Set<string>()
  const pathOf = (key: string) => {
    const path = resolve(base, key)
    if (path !== base && !path.startsWith(`${base}${sep}`)) throw new Error(`key outside the target: ${key}`)
    return path
  }
  const tmpOf = (path: string) => `${path}.tmp-${process.pid}-${crypto.randomUUID()}`
  const place = async (path: string, write: (tmp: string) => Promise<number>) => {
    await mkdir(dirname(path), { recursive: true })
    const tmp = tmpOf(path)
    try {
      const size = await write(tmp)
      await rename(tmp, path)
      written.push(path)
      // The directories (new ones included, up to the root) hold entries that must be durable too.
      for (let dir = dirname(path); dir.startsWith(base) && !dirs.has(dir); dir = dirname(dir)) dirs.add(dir)
      return size
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
  }
  return {
    url: base,
    async put(key, data) {
      await place(pathOf(key), async tmp => {
        await writeFile(tmp, data)
        return data.length
      })
    },
    putStream(key, data) {
      return place(pathOf(key), async tmp => {
        const sink = Bun.file(tmp).writer({ highWaterMark: 1024 * 1024 })
        let size = 0
        let unflushed = 0
        try {
          for await (const chunk of data as unknown as AsyncIterable<Uint8Array>) {
            sink.write(chunk)
            size += chunk.length
            unflushed += chunk.length
            if (unflushed >= 8 * 1024 * 1024) {
              await sink.flush()
              unflushed = 0
            }
          }
        } finally {
          await sink.end()
        }
        return size
      })
    },
    async get(key) {
      const file = Bun.file(pathOf(key))
      if (!(await file.exists())) return null
      return new Uint8Array(await file.arrayBuffer())
    },
    async getStream(key) {
      const file = Bun.file(pathOf(key))
      if (!(await file.exists())) throw objectMissing(base, key)
      return file.stream()
    },
    async *list(prefix) {
      const start = pathOf(prefix.replace(/\/+$/, '') || '.')
      const walk = async function* (dir: string): AsyncGenerator<StoredObject> {
        let entries: import('node:fs').Dirent[]
        try {
          entries = await readdir(dir, { withFileTypes: true })
        } catch {
          return
        }
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const full = join(dir, entry.name)
          if (entry.isDirectory()) yield* walk(full)
          else if (entry.isFile() && !entry.name.includes('.tmp-')) {
            const info = await stat(full).catch(() => null)
            if (info)
              yield { key: relative(base, full).split(sep).join('/'), size: info.size, lastModified: info.mtimeMs }
          }
        }
      }
      yield* walk(start)
    },
    async delete(key) {
      await unlink(pathOf(key)).catch(e => {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      })
    },
    async sync() {
      const files = written.splice(0)
      const directories = [...dirs]
      dirs.clear()
      if (files.length > 0) await syncMany(files, directories)
    },
  }
}
