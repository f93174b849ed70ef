// `mail-server import`: messages from an mbox or Maildir source into an account, through the
// storage layer (storage.messageBatches), so UIDs, MODSEQ, flags, the Maildir files and the index
// are exactly what a delivery or an IMAP APPEND would have produced.
//
// Per message: line ends become CRLF (line-endings.ts), the internal date is the source's (From_
// line, mtime), else the Date field, else now; a message already in the target mailbox is skipped
// (dedupe-index.ts), so an interrupted or repeated import can simply be run again. Messages are
// appended in batches per mailbox, each durable and indexed before the next is indexed; the next
// batch's files are written, and the one after it read and checked, meanwhile.
// Problems (malformed mbox parts, unreadable files, bad mailbox names, oversized messages) are
// collected with their origin and the import goes on; a full mailbox (quota) stops it.
import type { Clock } from '../core/clock.ts'
import { errorMessage, isMailError } from '../core/errors.ts'
import { INBOX, type Storage } from '../storage/index.ts'
import type { BatchMessage } from '../storage/repositories/message-batch-append.ts'
import { type DedupeIndex, loadDedupeIndex, messageKey } from './dedupe-index.ts'
import type { ImportProblem, ImportSource } from './import-source.ts'
import { toCrlf } from './line-endings.ts'
import { findDateHeader, findMessageId } from './header-fields.ts'

export interface ImportProgress {
  done: number
  total: number
  unit: ImportSource['unit']
  imported: number
  duplicates: number
  problems: number
}

export interface ImportOptions {
  storage: Storage
  accountId: number
  source: ImportSource
  /** Where the source's INBOX goes; its other mailboxes go below it. Default: same names. */
  mailbox?: string
  clock: Clock
  /** Messages larger than this (after CRLF) are skipped and reported. */
  maxMessageBytes: number
  /** Flush a batch at this many messages or bytes (defaults 500 / 8 MiB). */
  batchMessages?: number
  batchBytes?: number
  onProgress?(progress: ImportProgress): void
}

export interface MailboxTally {
  imported: number
  duplicates: number
}

export interface ImportSummary {
  source: string
  imported: number
  duplicates: number
  bytes: number
  problems: ImportProblem[]
  /** Per target mailbox. */
  mailboxes: Record<string, MailboxTally>
  /** Set when the import stopped early (a full mailbox). */
  stoppedBy: string | null
  elapsedMs: number
}

interface Pending {
  message: BatchMessage
  origin: string
}

interface Target {
  id: number
  name: string
  dedupe: DedupeIndex
}

export async function importMessages(options: ImportOptions): Promise<ImportSummary> {
  const { storage, accountId, source, clock } = options
  const maxCount = options.batchMessages ?? 500
  const maxBytes = options.batchBytes ?? 8 * 2 ** 20
  const started = clock.now()
  const summary: ImportSummary = {
    source: source.description,
    imported: 0,
    duplicates: 0,
    bytes: 0,
    problems: [],
    mailboxes: {},
    stoppedBy: null,
    elapsedMs: 0,
  }
  const targets = new Map<string, Target | Error>()
  const tally = (name: string) => {
    summary.mailboxes[name] ??= { imported: 0, duplicates: 0 }
    return summary.mailboxes[name]
  }
  const report = () =>
    options.onProgress?.({
      done: source.done(),
      total: source.total,
      unit: source.unit,
      imported: summary.imported,
      duplicates: summary.duplicates,
      problems: summary.problems.length,
    })

  const targetName = (sourceMailbox: string) => {
    if (options.mailbox === undefined) return sourceMailbox
    return sourceMailbox === INBOX ? options.mailbox : `${options.mailbox}/${sourceMailbox}`
  }

  const targetFor = async (name: string): Promise<Target | Error> => {
    const known = targets.get(name)
    if (known) return known
    let target: Target | Error
    try {
      const box = (await storage.mailboxes.get(accountId, name)) ?? (await storage.mailboxes.create(accountId, name))
      target = { id: box.id, name: box.name, dedupe: await loadDedupeIndex(storage, box.id) }
    } catch (e) {
      target = e instanceof Error ? e : new Error(String(e))
    }
    targets.set(name, target)
    return target
  }

  let batch: Pending[] = []
  let batchBytes = 0
  let batchTarget: Target | null = null

  /**
   * Batches being stored: at most two, while the next is read from the source. The later one
   * writes its files while the earlier one is synced and indexed, and is indexed after it (`after`),
   * so UIDs follow the source.
   */
  let storing: Promise<void> = Promise.resolve()
  let before: Promise<void> = Promise.resolve()

  const store = async (target: Target, items: Pending[], after: Promise<void>) => {
    try {
      await storage.messageBatches.appendBatch({
        accountId,
        mailbox: target.id,
        messages: items.map(i => i.message),
        after,
      })
      summary.imported += items.length
      summary.bytes += items.reduce((n, i) => n + i.message.content.length, 0)
      tally(target.name).imported += items.length
    } catch (e) {
      for (const item of items)
        summary.problems.push({ kind: 'problem', origin: item.origin, message: `not stored: ${errorMessage(e)}` })
      if (isMailError(e) && e.codes.code === 'over_quota') summary.stoppedBy = errorMessage(e)
    }
    report()
  }

  const flush = async () => {
    const target = batchTarget
    const items = batch
    batch = []
    batchBytes = 0
    await before
    if (!target || items.length === 0 || summary.stoppedBy !== null) return
    before = storing
    storing = store(target, items, before)
  }

  for await (const event of source.events()) {
    if (event.kind === 'mailbox') {
      const target = await targetFor(targetName(event.mailbox))
      if (target instanceof Error)
        summary.problems.push({ kind: 'problem', origin: event.mailbox, message: `mailbox skipped: ${target.message}` })
      else tally(target.name)
      continue
    }
    if (event.kind === 'problem') {
      summary.problems.push(event)
      report()
      continue
    }
    const content = event.crlf ? event.content : toCrlf(event.content)
    if (content.length > options.maxMessageBytes) {
      summary.problems.push({
        kind: 'problem',
        origin: event.origin,
        message: `larger than ${options.maxMessageBytes} bytes: skipped`,
      })
      continue
    }
    const target = await targetFor(targetName(event.mailbox))
    if (target instanceof Error) {
      summary.problems.push({ kind: 'problem', origin: event.origin, message: `not stored: ${target.message}` })
      continue
    }
    const key = messageKey(content, findMessageId(content))
    if (await target.dedupe.has(key)) {
      summary.duplicates++
      tally(target.name).duplicates++
      continue
    }
    target.dedupe.remember(key)
    if (batchTarget !== target || batch.length >= maxCount || batchBytes + content.length > maxBytes) await flush()
    if (summary.stoppedBy !== null) break
    batchTarget = target
    batch.push({
      message: {
        content,
        flags: event.flags,
        keywords: event.keywords,
        internalDate: event.internalDate ?? findDateHeader(content) ?? clock.now(),
      },
      origin: event.origin,
    })
    batchBytes += content.length
  }
  await flush()
  await storing
  await before
  summary.elapsedMs = clock.now() - started
  report()
  return summary
}
