// tag SP command [arguments] → a typed ImapCommand, or an ImapParseError (BAD) that says what
// was wrong and keeps the tag when it could be read (RFC 9051 §2.2.1, §7.1.5).
import { parseAppend } from './arguments/append.ts'
import { parseAuthenticate } from './arguments/authenticate.ts'
import { parseCompress } from './arguments/compress.ts'
import { parseCopyMove } from './arguments/copy-move.ts'
import { parseCreate } from './arguments/create.ts'
import { parseEnable } from './arguments/enable.ts'
import { parseExpunge } from './arguments/expunge.ts'
import { parseFetch } from './arguments/fetch.ts'
import { parseId } from './arguments/id.ts'
import { parseList, parseLsub } from './arguments/list.ts'
import { parseLogin } from './arguments/login.ts'
import { parseMailboxOnly } from './arguments/mailbox-only.ts'
import { NO_ARGUMENT_COMMANDS, parseNoArguments } from './arguments/no-arguments.ts'
import { parseGetQuota, parseGetQuotaRoot } from './arguments/quota.ts'
import { parseRename } from './arguments/rename.ts'
import { parseSearch } from './arguments/search.ts'
import { parseSelect } from './arguments/select.ts'
import { parseSort, parseThread } from './arguments/sort-thread.ts'
import { parseStatus } from './arguments/status.ts'
import { parseStore } from './arguments/store.ts'
import { TAG_CHAR } from './char-classes.ts'
import type { ImapCommand, ImapCommandBody } from './command-types.ts'
import { ImapParseError } from './imap-parse-error.ts'
import type { RawCommand } from './receiver.ts'
import { ImapTokenizer } from './tokenizer.ts'

type ArgumentParser = (t: ImapTokenizer, uid: boolean) => ImapCommandBody

const PARSERS = new Map<string, ArgumentParser>([
  ...NO_ARGUMENT_COMMANDS.map((name): [string, ArgumentParser] => [name, parseNoArguments(name)]),
  ['AUTHENTICATE', parseAuthenticate],
  ['LOGIN', parseLogin],
  ['ENABLE', parseEnable],
  ['ID', parseId],
  ['SELECT', parseSelect('SELECT')],
  ['EXAMINE', parseSelect('EXAMINE')],
  ['CREATE', parseCreate],
  ['DELETE', parseMailboxOnly('DELETE')],
  ['SUBSCRIBE', parseMailboxOnly('SUBSCRIBE')],
  ['UNSUBSCRIBE', parseMailboxOnly('UNSUBSCRIBE')],
  ['RENAME', parseRename],
  ['LIST', parseList],
  ['LSUB', parseLsub],
  ['STATUS', parseStatus],
  ['APPEND', parseAppend],
  ['EXPUNGE', parseExpunge],
  ['SEARCH', parseSearch],
  ['FETCH', parseFetch],
  ['STORE', parseStore],
  ['COPY', parseCopyMove('COPY')],
  ['MOVE', parseCopyMove('MOVE')],
  ['SORT', parseSort],
  ['THREAD', parseThread],
  ['GETQUOTA', parseGetQuota],
  ['GETQUOTAROOT', parseGetQuotaRoot],
  ['COMPRESS', parseCompress],
])

/** Commands with a UID form (RFC 9051 §6.4.9; UID EXPUNGE RFC 4315; UID MOVE RFC 6851; UID SORT/THREAD RFC 5256). */
const UID_COMMANDS = new Set(['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE', 'SORT', 'THREAD'])

export interface ParseCommandOptions {
  /** UTF8=ACCEPT or IMAP4rev2 enabled: mailbox names are UTF-8, not modified UTF-7. */
  utf8Accept?: boolean
}

/** Parse one received command. Throws only ImapParseError. */
export function parseCommand(raw: RawCommand, options: ParseCommandOptions = {}): ImapCommand {
  const t: ImapTokenizer = new ImapTokenizer(raw, { utf8Accept: options.utf8Accept ?? false })
  if (raw.tag === null) t.fail('Missing or invalid tag')
  t.atom('tag', TAG_CHAR)
  const tag = raw.tag
  t.space('command name')
  let name = t.atomUpper('command name')
  let uid = false
  if (name === 'UID') {
    uid = true
    t.space('command after UID')
    name = t.atomUpper('command after UID')
    if (!UID_COMMANDS.has(name))
      t.fail(`UID ${name} is not a command (UID takes COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE, SORT or THREAD)`)
  }
  const parse = PARSERS.get(name)
  if (parse === undefined) t.fail(`Unknown command ${name}`)
  const body = parse(t, uid)
  t.end()
  return { ...body, tag }
}

export type ParseCommandResult = { ok: true; command: ImapCommand } | { ok: false; error: ImapParseError }

/** As parseCommand, without exceptions. */
export function tryParseCommand(raw: RawCommand, options: ParseCommandOptions = {}): ParseCommandResult {
  try {
    return { ok: true, command: parseCommand(raw, options) }
  } catch (error) {
    if (error instanceof ImapParseError) return { ok: false, error }
    throw error
  }
}
