// A Maildir or Maildir++ tree as an import source (https://cr.yp.to/proto/maildir.html; Courier's
// Maildir++): the root's cur/ and new/ are INBOX, each `.Folder.Sub` directory is `Folder/Sub`
// (names decoded as storage/maildir/maildir-path.ts encodes them: modified UTF-7, `\2e` escapes).
// Flags come from the `:2,` info (cur/ only; new/ means unseen), keywords from the info's lower-case
// letters through dovecot-keywords, the internal date from the file's mtime (Dovecot keeps it
// there, as we do). Within a folder, files go in delivery order: the time in the unique name (seconds,
// then Dovecot's M<microseconds>), then the mtime, then the name. tmp/ holds unfinished deliveries and is never read.
import { readFileSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { userError } from '../core/errors.ts'
import { bitsToFlags, parseMaildirName } from '../storage/maildir/flags.ts'
import { mailboxForFolder } from '../storage/maildir/maildir-path.ts'
import { deliveredSeconds } from '../storage/maildir/unique-name.ts'
import type { ImportEvent, ImportSource } from './import-source.ts'
import { readKeywordLetters } from './maildir-keywords.ts'

interface SourceFile {
  sub: 'cur' | 'new'
  name: string
  path: string
  mtimeMs: number
}

interface SourceFolder {
  folder: string
  dir: string
  files: SourceFile[]
}

const isMaildirFolder = async (dir: string) => {
  for (const sub of ['cur', 'new']) if ((await stat(join(dir, sub)).catch(() => null))?.isDirectory()) return true
  return false
}

export async function openMaildirSource(root: string): Promise<ImportSource> {
  const info = await stat(root).catch(() => null)
  if (!info?.isDirectory()) throw userError(`${root} is not a directory`, { code: 'not_found' })
  const folders: SourceFolder[] = []
  if (await isMaildirFolder(root)) folders.push({ folder: '', dir: root, files: await listFiles(root) })
  const entries = (await readdir(root, { withFileTypes: true })).filter(
    e => e.isDirectory() && e.name.startsWith('.') && e.name !== '.' && e.name !== '..',
  )
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const dir = join(root, entry.name)
    if (await isMaildirFolder(dir)) folders.push({ folder: entry.name, dir, files: await listFiles(dir) })
  }
  if (folders.length === 0) throw userError(`${root} holds no Maildir (no cur/ or new/ directories)`, { code: 'usage' })
  let done = 0
  return {
    description: root,
    total: folders.reduce((n, f) => n + f.files.length, 0),
    unit: 'files',
    done: () => done,
    async *events(): AsyncGenerator<ImportEvent> {
      for (const folder of folders) {
        const mailbox = mailboxForFolder(folder.folder)
        if (mailbox === null) {
          done += folder.files.length
          yield { kind: 'problem', origin: folder.folder, message: 'folder name cannot be decoded: skipped' }
          continue
        }
        yield { kind: 'mailbox', mailbox }
        const keywordLetters = await readKeywordLetters(folder.dir)
        for (const file of folder.files) {
          const origin = join(folder.folder, file.sub, file.name)
          let content: Uint8Array
          try {
            content = readFileSync(file.path)
          } catch (e) {
            done++
            yield { kind: 'problem', origin, message: `cannot be read (${(e as Error).message}): skipped` }
            continue
          }
          done++
          const parsed = parseMaildirName(file.name)
          const keywords = [...parsed.extra].flatMap(letter => keywordLetters.get(letter) ?? [])
          yield {
            kind: 'message',
            mailbox,
            content,
            flags: file.sub === 'cur' ? bitsToFlags(parsed.flags) : [],
            keywords,
            internalDate: Math.floor(file.mtimeMs),
            origin,
          }
        }
      }
    },
  }
}

async function listFiles(dir: string): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  for (const sub of ['cur', 'new'] as const) {
    const names = await readdir(join(dir, sub)).catch(() => [] as string[])
    for (const name of names) {
      if (name.startsWith('.')) continue
      const path = join(dir, sub, name)
      const info = await stat(path).catch(() => null)
      if (info?.isFile()) files.push({ sub, name, path, mtimeMs: info.mtimeMs })
    }
  }
  const keyed = files.map(f => {
    const base = parseMaildirName(f.name).base
    // `<seconds>.M<microseconds>P…` (Dovecot's and our names): microseconds order one second.
    const micros = Number(/^\d+\.M(\d+)/.exec(base)?.[1] ?? 0)
    return { f, seconds: deliveredSeconds(base) ?? f.mtimeMs / 1000, micros }
  })
  keyed.sort(
    (a, b) =>
      a.seconds - b.seconds || a.micros - b.micros || a.f.mtimeMs - b.f.mtimeMs || (a.f.name < b.f.name ? -1 : 1),
  )
  return keyed.map(k => k.f)
}
