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

export interface LoadedMessage {
  analysis: MessageAnalysis
  /** The stored octets; only when asked for or needed for the analysis. */
  bytes: Uint8Array | null
}

export class MessageLoader {
  /** The promise, not the value: concurrent reads (FETCH reads ahead) share one lookup. */
  private folder: Promise<string | null> | null = null
  private files: Promise<Map<number, BunFile>> | null = null

  constructor(
    private readonly storage: Storage,
    private readonly mailboxId: number,
    /** The UIDs the command works on (all messages when absent), for the one file-name read. */
    private readonly ranges?: readonly UidRange[],
  ) {}

  /** The message file as storage names it now, or null when the message is gone. */
  async file(record: MessageRecord): Promise<BunFile | null> {
    const known = await this.knownFile(record)
    if (known !== null && (await known.exists())) return known
    const opened = await this.storage.messages.open(record.mailboxId, record.uid)
    return opened?.file ?? null
  }

  /** The stored octets; null when the file is gone. */
  async bytes(record: MessageRecord): Promise<Uint8Array | null> {
    const known = await this.knownFile(record)
    if (known !== null) {
      try {
        return await known.bytes()
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
   * The file the record names. A record carries its file name in the folder's cur/
   * (MessageRecord.maildirFile); the folder comes from opening the first message once, so a
   * command over a thousand messages costs one lookup rather than a second index read. When the
   * first message is not where its record says (renamed meanwhile), the loader asks storage for
   * the names of all the command's files instead.
   */
  private async knownFile(record: MessageRecord): Promise<BunFile | null> {
    this.folder ??= this.findFolder(record)
    const folder = await this.folder
    if (folder !== null) return Bun.file(`${folder}${record.maildirFile}`)
    this.files ??= this.storage.messages.files(this.mailboxId, this.ranges)
    return (await this.files).get(record.uid) ?? null
  }

  private async findFolder(record: MessageRecord): Promise<string | null> {
    const opened = await this.storage.messages.open(record.mailboxId, record.uid)
    if (opened === null || opened.record.maildirFile !== record.maildirFile) return null
    const name = `/${record.maildirFile}`
    return opened.path.endsWith(name) ? opened.path.slice(0, -record.maildirFile.length) : null
  }
}
