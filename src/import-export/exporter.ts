// `mail-server export`: every mailbox of an account into a directory, as a Maildir++ tree or as
// mbox files, one message at a time (the messages are read from the store through the storage
// layer; nothing is held beyond the message being written).
//
//   maildir  <dir>/cur|new|tmp is INBOX, <dir>/.Folder.Sub/ each other mailbox (folder names as the
//            store encodes them, storage/maildir/maildir-path.ts), files `<unique>:2,<flags>` with
//            keyword letters listed in dovecot-keywords, mtime = internal date;
//   mbox     <dir>/INBOX, <dir>/Sent, <dir>/Lists.sbd/bun (mbox-tree.ts), mboxrd with Status/X-Status/
//            X-Keywords (mbox-writer.ts), the From_ line dated with the internal date.
// The target directory must be new or empty: an export never overwrites files.
import { copyFile, mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Clock } from '../core/clock.ts'
import { userError } from '../core/errors.ts'
import type { MailboxRecord, Storage } from '../storage/index.ts'
import { flagsToBits, formatMaildirName, parseMaildirName } from '../storage/maildir/flags.ts'
import { ensureMaildirFolder } from '../storage/maildir/maildir-folder.ts'
import { folderForMailbox, folderPath } from '../storage/maildir/maildir-path.ts'
import { syncMany } from '../storage/repositories/sync-file-system.ts'
import { findReturnPath } from './header-fields.ts'
import { KEYWORDS_FILE, KeywordLetterTable } from './maildir-keywords.ts'
import { createMboxFileWriter } from './mbox-writer.ts'
import { mboxPathForMailbox } from './mbox-tree.ts'

export type ExportFormat = 'maildir' | 'mbox'

export interface ExportProgress {
  done: number
  total: number
}

export interface ExportOptions {
  storage: Storage
  accountId: number
  dir: string
  format: ExportFormat
  clock: Clock
  onProgress?(progress: ExportProgress): void
}

export interface ExportSummary {
  dir: string
  format: ExportFormat
  messages: number
  bytes: number
  /** Messages per mailbox name. */
  mailboxes: Record<string, number>
  /** Messages whose file was gone when read (expunged meanwhile), as `mailbox UID n`. */
  missing: string[]
  elapsedMs: number
}

export async function exportMessages(options: ExportOptions): Promise<ExportSummary> {
  const { storage, clock } = options
  const started = clock.now()
  await prepareTarget(options.dir)
  const boxes = await storage.mailboxes.list(options.accountId)
  let total = 0
  for (const box of boxes) total += (await storage.mailboxes.status(box.id)).messages
  const summary: ExportSummary = {
    dir: options.dir,
    format: options.format,
    messages: 0,
    bytes: 0,
    mailboxes: {},
    missing: [],
    elapsedMs: 0,
  }
  const progress = () => options.onProgress?.({ done: summary.messages + summary.missing.length, total })
  const written = { files: [] as string[], dirs: new Set<string>([options.dir]) }
  for (const box of boxes) {
    summary.mailboxes[box.name] = 0
    if (options.format === 'maildir') await exportMaildirFolder(storage, box, options.dir, summary, written, progress)
    else await exportMboxFile(storage, box, options.dir, summary, written, progress)
  }
  await syncMany(written.files, [...written.dirs])
  summary.elapsedMs = clock.now() - started
  progress()
  return summary
}

async function prepareTarget(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const entries = await readdir(dir)
  if (entries.length > 0)
    throw userError(`${dir} is not empty; export into a new or empty directory`, { code: 'usage' })
}

type Written = { files: string[]; dirs: Set<string> }

async function exportMaildirFolder(
  storage: Storage,
  box: MailboxRecord,
  root: string,
  summary: ExportSummary,
  written: Written,
  progress: () => void,
): Promise<void> {
  const folder = folderForMailbox(box.name)
  const dir = folderPath(root, folder)
  await ensureMaildirFolder(dir, { subfolder: folder !== '' })
  written.dirs.add(join(dir, 'cur'))
  const keywords = new KeywordLetterTable()
  for (const record of await storage.messages.list(box.id)) {
    const opened = await storage.messages.open(box.id, record.uid)
    if (!opened) {
      summary.missing.push(`${box.name} UID ${record.uid}`)
      continue
    }
    const base = parseMaildirName(opened.record.maildirFile).base
    const name = formatMaildirName(base, flagsToBits(opened.record.flags), keywords.letters(opened.record.keywords))
    const target = join(dir, 'cur', name)
    try {
      await copyFile(opened.path, target)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      summary.missing.push(`${box.name} UID ${record.uid}`)
      continue
    }
    const when = new Date(opened.record.internalDate)
    await utimes(target, when, when)
    written.files.push(target)
    summary.messages++
    summary.bytes += opened.record.size
    summary.mailboxes[box.name] = (summary.mailboxes[box.name] ?? 0) + 1
    if (summary.messages % 200 === 0) progress()
  }
  const table = keywords.fileContent()
  if (table !== null) {
    const file = join(dir, KEYWORDS_FILE)
    await writeFile(file, table)
    written.files.push(file)
  }
}

async function exportMboxFile(
  storage: Storage,
  box: MailboxRecord,
  root: string,
  summary: ExportSummary,
  written: Written,
  progress: () => void,
): Promise<void> {
  const path = join(root, mboxPathForMailbox(box.name))
  await mkdir(dirname(path), { recursive: true })
  written.dirs.add(dirname(path))
  const writer = await createMboxFileWriter(path)
  try {
    // Envelopes: the From_ line's sender when a message has no Return-Path.
    for (const record of await storage.messages.list(box.id, { envelopes: true })) {
      const content = await storage.messages.readBytes(box.id, record.uid)
      if (!content) {
        summary.missing.push(`${box.name} UID ${record.uid}`)
        continue
      }
      const from = record.envelope?.from[0]
      const sender = findReturnPath(content) ?? (from && 'address' in from ? from.address : '')
      await writer.write({
        content,
        flags: record.flags,
        keywords: record.keywords,
        internalDate: record.internalDate,
        sender,
      })
      summary.messages++
      summary.bytes += content.length
      summary.mailboxes[box.name] = (summary.mailboxes[box.name] ?? 0) + 1
      if (summary.messages % 200 === 0) progress()
    }
  } finally {
    await writer.close()
  }
}
