// Every command the parser produces, discriminated by `name` (UID forms carry `uid: true`).
import type { AppendCommand } from './arguments/append.ts'
import type { AuthenticateCommand } from './arguments/authenticate.ts'
import type { CompressCommand } from './arguments/compress.ts'
import type { CopyMoveCommand } from './arguments/copy-move.ts'
import type { CreateCommand } from './arguments/create.ts'
import type { EnableCommand } from './arguments/enable.ts'
import type { ExpungeCommand } from './arguments/expunge.ts'
import type { FetchCommand } from './arguments/fetch.ts'
import type { IdCommand } from './arguments/id.ts'
import type { ListCommand, LsubCommand } from './arguments/list.ts'
import type { LoginCommand } from './arguments/login.ts'
import type { MailboxOnlyCommand } from './arguments/mailbox-only.ts'
import type { NoArgumentCommand } from './arguments/no-arguments.ts'
import type { GetQuotaCommand, GetQuotaRootCommand } from './arguments/quota.ts'
import type { RenameCommand } from './arguments/rename.ts'
import type { SearchCommand } from './arguments/search.ts'
import type { SelectCommand } from './arguments/select.ts'
import type { SortCommand, ThreadCommand } from './arguments/sort-thread.ts'
import type { StatusCommand } from './arguments/status.ts'
import type { StoreCommand } from './arguments/store.ts'

export type ImapCommandBody =
  | NoArgumentCommand
  | AuthenticateCommand
  | LoginCommand
  | EnableCommand
  | IdCommand
  | SelectCommand
  | CreateCommand
  | MailboxOnlyCommand
  | RenameCommand
  | ListCommand
  | LsubCommand
  | StatusCommand
  | AppendCommand
  | ExpungeCommand
  | SearchCommand
  | FetchCommand
  | StoreCommand
  | CopyMoveCommand
  | SortCommand
  | ThreadCommand
  | GetQuotaCommand
  | GetQuotaRootCommand
  | CompressCommand

export type ImapCommandName = ImapCommandBody['name']

export type ImapCommand = ImapCommandBody & { tag: string }

/** The command of a given name, e.g. CommandOf<'FETCH'>. */
export type CommandOf<N extends ImapCommandName> = Extract<ImapCommandBody, { name: N }> & { tag: string }

export type * from './arguments/append.ts'
export type * from './arguments/authenticate.ts'
export type * from './arguments/compress.ts'
export type * from './arguments/copy-move.ts'
export type * from './arguments/create.ts'
export type * from './arguments/enable.ts'
export type * from './arguments/expunge.ts'
export type * from './arguments/fetch.ts'
export type * from './arguments/id.ts'
export type * from './arguments/list.ts'
export type * from './arguments/login.ts'
export type * from './arguments/mailbox-only.ts'
export type * from './arguments/no-arguments.ts'
export type * from './arguments/quota.ts'
export type * from './arguments/rename.ts'
export type * from './arguments/search.ts'
export type * from './arguments/select.ts'
export type * from './arguments/sort-thread.ts'
export type * from './arguments/status.ts'
export type * from './arguments/store.ts'
