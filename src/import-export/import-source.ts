// What an import reads, whatever the format: messages with their mailbox (source-relative name,
// '/' hierarchy, INBOX for the top level), state and origin, plus problems found on the way.
import type { SystemFlag } from '../storage/index.ts'

export interface ImportMessage {
  kind: 'message'
  /** Mailbox in the source ('INBOX', 'Sent', 'Lists/bun'). */
  mailbox: string
  /** The message bytes as found (line ends not yet normalised, unless `crlf`). */
  content: Uint8Array
  /** Set when `content` has CRLF line ends already, no bare LF: the importer converts nothing. */
  crlf?: boolean
  flags: SystemFlag[]
  keywords: string[]
  /** Internal date from the source (From_ line, file mtime), or null when it has none. */
  internalDate: number | null
  /** Where it came from, for reports: `Inbox.mbox line 120`, `.Sent/cur/123.host:2,S`. */
  origin: string
}

export interface ImportProblem {
  kind: 'problem'
  /** File and line (`archive.mbox line 3`) or path. */
  origin: string
  message: string
}

/** A mailbox the source has, announced before its messages (so empty ones are created too). */
export interface ImportMailbox {
  kind: 'mailbox'
  mailbox: string
}

export type ImportEvent = ImportMessage | ImportProblem | ImportMailbox

export interface ImportSource {
  /** What is being read (a path), for the summary. */
  readonly description: string
  /** Amount of work for a progress bar, in `unit`. */
  readonly total: number
  readonly unit: 'bytes' | 'files'
  /** Work done so far, in `unit`. */
  done(): number
  events(): AsyncIterable<ImportEvent>
}
