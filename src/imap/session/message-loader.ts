// A message's stored octets and its analysis (MIME tree, ENVELOPE, size) for FETCH, SEARCH, SORT
// and THREAD. The analysis is cached in messages.bodystructure_json; a row without one (or with an
// older version) is analysed from the file here and the cache filled in, so a message is read
// whole for its analysis at most once.
//
// A MessageLoader serves one command over many messages: it finds their files from the records
// the command already read (knownFile) instead of opening each message on its own (several
// queries and a stat per message), and falls back to open() when a file was renamed meanwhile (a
// flag change by another session).
import type { BunFile } from 'bun'
import type { MessageRecord, Storage, UidRange } from '../../storage/index.ts'
import { type MessageAnalysis, analyzeMessage, decodeAnalysis, encodeAnalysis } from '../message/index.ts'
import { ReusableReadBuffer, readSmallFile } from './read-small-file.ts'

/** Messages up to this size are read synchronously (read-small-file.ts); bigger ones through Bun.file. */
export const SYNC_READ_LIMIT = 128 * 1024

export interface LoadedMessage {
  analysis: MessageAnalysis
  /** The stored octets; only when asked for or needed for the analysis. */
  bytes: Uint8Array | null
}

export class MessageLoader {
  /** The promise, not the value: concurrent reads (FETCH reads ahead) share one lookup. */
  private folder: Promise<string | null> | null = null
  /** The folder once found (null: the records' names were stale); undefined until then. */
  private folderNow: string | null | undefined = undefined
  private files: Promise<Map<number, BunFile>> | null = null

  /** Set when the caller is done with each message's octets before asking for the next (see bytes()). */
  private readonly reuse: ReusableReadBuffer | undefined

  constructor(
    private readonly storage: Storage,
    private readonly mailboxId: number,
    /** The UIDs the command works on (all messages when absent), for the one file-name read. */
    private readonly ranges?: readonly UidRange[],
    options: { reuseBuffer?: boolean } = {},
  ) {
    this.reuse = options.reuseBuffer ? new ReusableReadBuffer() : undefined
  }

  /** The message file as storage names it now, or null when the message is gone. */
  async file(record: MessageRecord): Promise<BunFile | null> {
    const path = await this.knownPath(record)
    const known = path === null ? null : Bun.file(path)
    if (known !== null && (await known.exists())) return known
    const opened = await this.storage.messages.open(record.mailboxId, record.uid)
    return opened?.file ?? null
  }

  /**
   * The stored octets; null when the file is gone. With `reuseBuffer`, the octets of a small
   * message are a view into one buffer that the next call overwrites.
   */
  async bytes(record: MessageRecord): Promise<Uint8Array | null> {
    // Once the folder is known (after the first message) a small message is read without an await.
    const path = this.folderNow === undefined ? this.knownPath(record) : this.pathIn(this.folderNow, record)
    const known = typeof path === 'string' ? path : await path
    if (known !== null) {
      try {
        return record.size <= SYNC_READ_LIMIT
          ? readSmallFile(known, record.size, this.reuse)
          : await Bun.file(known).bytes()
      } catch {
        // Renamed by a flag change since the record was read, or gone: ask storage.
      }
    }
    return this.storage.messages.readBytes(record.mailboxId, record.uid)
  }

  /** The analysis (cached, or made now and cached) and, when asked for, the octets. null: file gone. */
  async load(record: MessageRecord, options: { needBytes: boolean }): Promise<LoadedMessage | null> {
    const cached = decodeAnalysis(record.bodyStructureJson)
    if (cached !== null && !options.needBytes) return { analysis: cached, bytes: null }
    const bytes = await this.bytes(record)
    if (bytes === null) return null
    if (cached !== null) return { analysis: cached, bytes }
    const analysis = analyzeMessage(bytes)
    await this.storage.messages.setBodyStructure(record.mailboxId, record.uid, encodeAnalysis(analysis))
    return { analysis, bytes }
  }

  /**
   * The path of the file the record names. A record carries its file name in the folder's cur/
   * (MessageRecord.maildirFile); the folder comes from opening the first message once, so a
   * command over a thousand messages costs one lookup rather than a second index read. When the
   * first message is not where its record says (renamed meanwhile), the loader asks storage for
   * the names of all the command's files instead.
   */
  private async knownPath(record: MessageRecord): Promise<string | null> {
    this.folder ??= this.findFolder(record)
    const folder = await this.folder
    this.folderNow = folder
    return (await this.pathIn(folder, record)) ?? null
  }

  /** The path when the folder is known, else (stale names) a promise of it from storage's file list. */
  private pathIn(folder: string | null, record: MessageRecord): string | Promise<string | null> {
    if (folder !== null) return `${folder}${record.maildirFile}`
    this.files ??= this.storage.messages.files(this.mailboxId, this.ranges)
    return this.files.then(files => files.get(record.uid)?.name ?? null)
  }

  private async findFolder(record: MessageRecord): Promise<string | null> {
    const opened = await this.storage.messages.open(record.mailboxId, record.uid)
    if (opened === null || opened.record.maildirFile !== record.maildirFile) return null
    const name = `/${record.maildirFile}`
    return opened.path.endsWith(name) ? opened.path.slice(0, -record.maildirFile.length) : null
  }
}
