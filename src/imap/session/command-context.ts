// What a command handler is and what it may use (wildduck imap-core/lib/commands/*.js as data, mox's
// per-state command sets). A command is one file in src/imap/commands exporting
//
//   export const fooCommand = defineCommand({ name: 'FOO', states: ['selected'], run(ctx, command) {...} })
//
// plus its line in commands/registry.ts. The session checks the state before run(), writes the
// tagged OK (with the result's code/text) after it, and turns whatever run() throws into NO/BAD in
// one place (error-reply.ts). Handlers write untagged responses through the context and throw
// MailError (userError/syntaxError with codes.imap) for failures; they never write tagged lines.
import type { LoginThrottle } from '../../auth/login-throttle.ts'
import type { Logger } from '../../core/logger.ts'
import type { Transport } from '../../net/transport.ts'
import type { Storage } from '../../storage/index.ts'
import type { ImapCommandBody, ImapCommandName } from '../protocol/command-types.ts'
import type { ResponseValue, UntaggedStatus } from '../protocol/serializer.ts'
import type { ImapMetrics } from './imap-metrics.ts'
import type { RecentTracker } from './recent-tracker.ts'
import type { SelectedMailbox } from './selected-mailbox.ts'
import type { UidSnapshots } from './uid-snapshots.ts'
import type { ImapSessionSettings } from './session-settings.ts'

/** RFC 9051 §3: the connection states (the session moves between them; commands name where they run). */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout'

export const ANY_STATE: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected']
export const AUTHENTICATED: readonly ImapState[] = ['authenticated', 'selected']
export const SELECTED: readonly ImapState[] = ['selected']
export const NOT_AUTHENTICATED: readonly ImapState[] = ['not-authenticated']

/** Extensions a client turned on with ENABLE (RFC 5161) or by using them (CONDSTORE, RFC 7162 §3.1). */
export interface EnabledExtensions {
  condstore: boolean
  qresync: boolean
  /** RFC 6855: UTF-8 mailbox names and quoted strings. */
  utf8Accept: boolean
  /** RFC 9051 responses: no RECENT, no UNSEEN code, LIST after SELECT. */
  imap4rev2: boolean
}

export type EnableableExtension = 'CONDSTORE' | 'QRESYNC' | 'UTF8=ACCEPT' | 'IMAP4REV2'

export interface AuthenticatedUser {
  id: number
  email: string
}

/** Built once per server by the IMAP module (session-factory.ts). */
export interface ImapSessionDeps {
  settings: ImapSessionSettings
  storage: Storage
  throttle: LoginThrottle
  metrics: ImapMetrics
  recent: RecentTracker
  commands: ReadonlyMap<string, ImapCommandHandler>
  /** UID arrays shared by sessions selecting the same mailbox state (one per server; optional in tests). */
  uidSnapshots?: UidSnapshots
}

export interface CommandResult {
  /** Response code of the tagged OK, e.g. `READ-WRITE`, `APPENDUID 38505 3955` (no brackets). */
  code?: string
  /** Text of the tagged OK; default `<COMMAND> completed`. */
  text?: string
  /** Runs after the tagged OK went out: STARTTLS upgrades here, LOGOUT closes. */
  afterResponse?: () => Promise<void> | void
}

/** The body of a parsed command with this name (SelectCommand for 'EXAMINE' too), plus its tag. */
export type ImapCommandFor<N extends ImapCommandName> = (ImapCommandBody extends infer B
  ? B extends { name: infer M }
    ? N extends M
      ? B
      : never
    : never
  : never) & { tag: string }

export interface ImapCommandHandler<N extends ImapCommandName = ImapCommandName> {
  readonly name: N
  readonly states: readonly ImapState[]
  /**
   * RFC 9051 §7.5.1: true when EXPUNGE responses must wait until a later command (FETCH, STORE
   * and SEARCH by message sequence number). Default false.
   */
  deferExpunge?(command: ImapCommandFor<N>): boolean
  run(ctx: CommandContext, command: ImapCommandFor<N>): Promise<CommandResult | undefined> | CommandResult | undefined
}

/** Keeps the command's type (`run` receives the parsed command of that name). */
export const defineCommand = <N extends ImapCommandName>(handler: ImapCommandHandler<N>): ImapCommandHandler<N> =>
  handler

export interface UpdateOptions {
  /** Whether EXPUNGE/VANISHED may be sent now (RFC 9051 §7.5.1). */
  expunge: boolean
}

export interface CommandContext {
  readonly deps: ImapSessionDeps
  readonly settings: ImapSessionSettings
  readonly storage: Storage
  readonly transport: Transport
  /** Carries { cid, proto, remote }; never log passwords or message bodies. */
  readonly logger: Logger
  readonly state: ImapState
  readonly user: AuthenticatedUser | null
  readonly selected: SelectedMailbox | null
  readonly enabled: Readonly<EnabledExtensions>
  /** UTF-8 allowed in mailbox names and quoted strings (UTF8=ACCEPT or IMAP4rev2 enabled). */
  readonly utf8: boolean

  /** The capability list for the current state (capabilities.ts). */
  capabilities(): string[]
  /** Turn an extension on; true when it was off. QRESYNC turns CONDSTORE on too (RFC 7162 §3.2.3). */
  enable(extension: EnableableExtension): boolean

  /** Queue `* <values>`; output goes out in batches, and always before the tagged response. */
  untagged(values: readonly ResponseValue[]): void
  /**
   * Write `* <values>` that hold streamed literals (a big message body read from its file): the
   * queued output goes first, then each literal as the connection takes it (backpressure).
   */
  untaggedStream(values: readonly ResponseValue[]): Promise<void>
  /** Queue `* OK [CODE] text` and the like. */
  untaggedStatus(status: UntaggedStatus, text: string, code?: string): void
  /** Write the queued output now (long responses; before waiting for anything). */
  flush(): void
  /**
   * Between the responses of a long command (FETCH over many messages): null to go on at once, or
   * a promise to await first when the client has fallen behind (too much output not taken yet) or
   * the command has held the event loop for a while; it resolves false when the connection went.
   */
  pace(): Promise<boolean> | null
  /**
   * Write a continuation request (`+ ...\r\n`, already formatted: serializer continuationRequest or
   * saslChallenge) and wait for the client's next line (SASL RFC 9051 §6.2.2, IDLE DONE RFC 2177).
   * Rejects when the connection closes.
   */
  requestLine(continuation: string): Promise<Uint8Array>

  /** LOGIN/AUTHENTICATE succeeded: authenticated state, larger literals. */
  login(user: AuthenticatedUser): void
  /** A failed login: counts against imap.maxErrors and in auth_failures_total. */
  loginFailed(): void
  /** Enter the selected state with this view; subscribes it to the mailbox's changes first. */
  select(mailbox: SelectedMailbox): void
  /** Back to the authenticated state (CLOSE, UNSELECT, a failed SELECT); stops the subscription. */
  deselect(): void
  /** LOGOUT: the logout state; the connection closes after the tagged response. */
  logout(): void

  /** Send the selected mailbox's queued changes now (the session also does it after each command). */
  sendUpdates(options: UpdateOptions): Promise<void>
  /** IDLE (RFC 2177 §3): while on, changes are pushed to the client as they are committed. */
  setIdling(idling: boolean): void
  /** STARTTLS after its OK: drop pipelined plaintext (RFC 9051 §6.2.1) and upgrade. */
  startTls(): Promise<void>
  /** COMPRESS=DEFLATE is already on (RFC 4978 §3: a second COMPRESS is NO [COMPRESSIONACTIVE]). */
  readonly compressionActive: boolean
  /** COMPRESS after its OK: everything after it, both ways, is raw DEFLATE (RFC 4978 §3). */
  startCompression(): void
}
