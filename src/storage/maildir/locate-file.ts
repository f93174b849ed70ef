// Finding a message file by its unique part when the stored name is stale: another Maildir tool
// (or a crash between our rename and the index commit) may have changed the `:2,` info, or moved
// it from new/ to cur/.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface LocatedFile {
  sub: 'cur' | 'new'
  name: string
  path: string
}

export async function locateByBase(dir: string, base: string): Promise<LocatedFile | null> {
  for (const sub of ['cur', 'new'] as const) {
    let names: string[]
    try {
      names = await readdir(join(dir, sub))
    } catch {
      continue
    }
    const name = names.find(n => n === base || n.startsWith(`${base}:`))
    if (name !== undefined) return { sub, name, path: join(dir, sub, name) }
  }
  return null
}
