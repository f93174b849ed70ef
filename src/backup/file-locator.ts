// Finding a snapshot's message file on the live disk. The snapshot names each file as it was at
// the snapshot; since then the server may have renamed it (flags: same folder, other `:2,` info)
// or moved it to another mailbox (MOVE keeps the unique part, storage/repositories/messages.ts).
// A Maildir file's content never changes while its unique part lives, so any file with that
// unique part is the snapshot's content. Lookups go: the recorded name, the same folder's cur/ and
// new/, then one index of the whole account built on first need.
import { readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { locateByBase } from '../storage/maildir/locate-file.ts'
import type { SnapshotFile } from './snapshot-contents.ts'

export interface FileLocator {
  /** Absolute path of the file's current copy, or null when it is gone. */
  locate(file: SnapshotFile, after?: 'stale'): Promise<string | null>
}

export function createFileLocator(dataDir: string): FileLocator {
  const accountIndexes = new Map<string, Promise<Map<string, string>>>()

  const indexAccount = async (accountDir: string): Promise<Map<string, string>> => {
    const index = new Map<string, string>()
    const root = join(dataDir, accountDir)
    const folders = ['', ...(await readdir(root).catch(() => [] as string[])).filter(n => n.startsWith('.'))]
    for (const folder of folders) {
      for (const sub of ['cur', 'new']) {
        const dir = join(root, folder, sub)
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          const colon = name.indexOf(':')
          index.set(colon < 0 ? name : name.slice(0, colon), join(dir, name))
        }
      }
    }
    return index
  }

  return {
    async locate(file, after) {
      const recorded = join(dataDir, file.path)
      if (after !== 'stale' && (await Bun.file(recorded).exists())) return recorded
      if (!file.message) return null
      const folderDir = dirname(dirname(recorded))
      const found = await locateByBase(folderDir, file.message.base)
      if (found) return found.path
      // Moved to another mailbox: one scan of the account, refreshed when it proves stale.
      let index = accountIndexes.get(file.message.accountDir)
      if (!index || after === 'stale') {
        index = indexAccount(file.message.accountDir)
        accountIndexes.set(file.message.accountDir, index)
      }
      return (await index).get(file.message.base) ?? null
    },
  }
}
