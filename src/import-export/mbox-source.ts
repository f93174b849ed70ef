// An mbox file, or a directory tree of them (mbox-tree.ts), as an import source. A single file is
// the source's INBOX (the importer maps it to --mailbox when given).
import { readdir, stat } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { userError } from '../core/errors.ts'
import { INBOX } from '../storage/index.ts'
import type { ImportEvent, ImportSource } from './import-source.ts'
import { readMbox } from './mbox-reader.ts'
import { takeMboxMetadataInPlace } from './mbox-status-headers.ts'
import { isMboxCandidate, mailboxForMboxPath } from './mbox-tree.ts'

interface MboxFile {
  path: string
  /** Shown in reports. */
  label: string
  mailbox: string
  size: number
}

export interface MboxSourceOptions {
  maxMessageBytes?: number
}

export async function openMboxSource(path: string, options: MboxSourceOptions = {}): Promise<ImportSource> {
  const info = await stat(path).catch(() => null)
  if (!info) throw userError(`${path} does not exist`, { code: 'not_found' })
  const files: MboxFile[] = info.isDirectory()
    ? await listTree(path)
    : [{ path, label: basename(path), mailbox: INBOX, size: info.size }]
  let done = 0
  const counted = async function* (stream: AsyncIterable<Uint8Array>) {
    for await (const chunk of stream) {
      done += chunk.length
      yield chunk
    }
  }
  return {
    description: path,
    total: files.reduce((n, f) => n + f.size, 0),
    unit: 'bytes',
    done: () => done,
    async *events(): AsyncGenerator<ImportEvent> {
      for (const file of files) {
        yield { kind: 'mailbox', mailbox: file.mailbox }
        const stream = Bun.file(file.path).stream() as unknown as AsyncIterable<Uint8Array>
        // Messages come out with CRLF line ends (the store's), each a fresh copy of its own, which
        // the metadata fields are then cut out of in place: one copy per message in all.
        for await (const event of readMbox(counted(stream), { ...options, crlf: true })) {
          const origin = `${file.label} line ${event.line}`
          if (event.kind === 'problem') {
            yield { kind: 'problem', origin, message: event.message }
            continue
          }
          const meta = takeMboxMetadataInPlace(event.content)
          yield {
            kind: 'message',
            mailbox: file.mailbox,
            content: meta.content,
            crlf: true,
            flags: meta.flags,
            keywords: meta.keywords,
            internalDate: event.from.date,
            origin,
          }
        }
      }
    },
  }
}

async function listTree(root: string): Promise<MboxFile[]> {
  const out: MboxFile[] = []
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))
    for (const entry of entries) {
      if (!isMboxCandidate(entry.name)) continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile()) {
        const rel = relative(root, full)
        out.push({ path: full, label: rel, mailbox: mailboxForMboxPath(rel), size: (await stat(full)).size })
      }
    }
  }
  await walk(root)
  return out
}
