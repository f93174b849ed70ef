// One IMAP connection as a state machine over a Transport (RFC 9051 §3; Stalwart `ingest(bytes)`,
// mox imapserver/server.go). Bytes go into the receiver (protocol/receiver.ts), which frames whole
// commands with their literals and says when to answer `+` for a synchronising literal. One loop
// takes out a command at a time and runs it to the end before taking the next, so pipelined
// commands are answered in order although storage and the password check are asynchronous.
//
// execute() is the one error boundary: it checks the command's state, runs the handler, sends the
// selected mailbox's queued changes (selected-mailbox.ts), then the tagged result. Whatever the
// handler throws becomes NO/BAD there (error-reply.ts), is counted (too many BADs or failed logins:
// `* BYE` and close) and logged at a level that fits (NO [SERVERBUG] with the stack).
import type { Logger } from '../../core/logger.ts'
import { DeflateTransport } from '../../net/deflate-transport.ts'
import type { CloseReason, Session, Transport } from '../../net/transport.ts'
import { ImapCommandTrace } from '../../observability/tracing/imap-command-trace.ts'
import type { Storage } from '../../storage/index.ts'
import { tryParseCommand } from '../protocol/parse-command.ts'
import { type ImapParseError } from '../protocol/imap-parse-error.ts'
import { DEFAULT_RECEIVER_LIMITS, ImapReceiver, type RawCommand, type ReceiverLimits } from '../protocol/receiver.ts'
import {
  type ResponseValue,
  type StreamedLiteral,
  type TaggedStatus,
  type UntaggedStatus,
  continuationRequest,
  serializeParts,
  taggedResponse,
  untaggedResponse,
  writeValues,
} from '../protocol/serializer.ts'
import { capabilityList } from './capabilities.ts'
import type {
  AuthenticatedUser,
  CommandContext,
  CommandResult,
  EnableableExtension,
  EnabledExtensions,
  ImapCommandHandler,
  ImapSessionDeps,
  ImapState,
  UpdateOptions,
} from './command-context.ts'
import { type ErrorReply, replyForError } from './error-reply.ts'
import type { CommandOutcome } from './imap-metrics.ts'
import { writeMailboxUpdates } from './mailbox-update-responses.ts'
import type { SelectedMailbox } from './selected-mailbox.ts'
import { OutputBuffer } from './output-buffer.ts'
import type { ImapSessionSettings } from './session-settings.ts'

/** Before login only LOGIN/AUTHENTICATE literals make sense: keep what a stranger can make us buffer small. */
const PRE_AUTH_LIMITS = { maxLiteralSize: 16 * 1024, maxCommandSize: 64 * 1024 }
/** Queued output is written once it reaches this size, not only at the end of a command. */
const FLUSH_THRESHOLD = 64 * 1024
/** A streamed literal waits before reading more while the connection holds this much... */
const STREAM_HIGH_WATER = 1024 * 1024
/** ...until it is down to this. */
const STREAM_LOW_WATER = 256 * 1024
/**
 * A long command gives the event loop a turn after holding it this long (pace()): message files
 * are read synchronously (read-small-file.ts), so without it one FETCH of a big mailbox would keep
 * every other connection waiting until its end.
 */
const TURN_MS = 10

class ConnectionClosedError extends Error {
  constructor() {
    super('connection closed')
    this.name = 'ConnectionClosedError'
  }
}

interface LineWaiter {
  resolve(line: Uint8Array): void
  reject(error: unknown): void
}

export class ImapSession implements Session, CommandContext {
  state: ImapState = 'not-authenticated'
  user: AuthenticatedUser | null = null
  selected: SelectedMailbox | null = null
  readonly enabled: EnabledExtensions = { condstore: false, qresync: false, utf8Accept: false, imap4rev2: false }
  readonly settings: ImapSessionSettings
  readonly storage: Storage
  readonly logger: Logger

  private receiver: ImapReceiver
  /** Output not written yet; goes out in batches (FLUSH_THRESHOLD) and before any wait. */
  private readonly out: OutputBuffer
  private running = false
  private closed = false
  /** end() was called: nothing more is queued or written. */
  private ending = false
  private negotiatingTls = false
  private closeAfterCommand = false
  private shutdownRequested = false
  private errors = 0
  private lineWaiter: LineWaiter | null = null
  private idling = false
  private updates: Promise<void> = Promise.resolve()
  private unsubscribe: (() => void) | null = null
  private idleWaiters: Array<() => void> = []
  /** When the running command last let the event loop turn (pace()). */
  private turnStarted = 0
  private readonly endpoint: { endpoint: string }
  private readonly trace: ImapCommandTrace
  /** COMPRESS=DEFLATE is on (RFC 4978): `transport` is the compressing wrapper. */
  private deflate: DeflateTransport | null = null
  /** The connection's transport; after COMPRESS, the compressing wrapper around it. */
  transport: Transport

  constructor(
    transport: Transport,
    readonly deps: ImapSessionDeps,
  ) {
    this.transport = transport
    this.settings = deps.settings
    this.storage = deps.storage
    this.logger = transport.logger
    this.endpoint = { endpoint: this.settings.endpoint }
    this.out = new OutputBuffer(bytes => this.send(bytes), FLUSH_THRESHOLD)
    this.receiver = new ImapReceiver(this.receiverLimits())
    deps.metrics.connections.inc(this.endpoint)
    deps.metrics.active.inc(this.endpoint)
    this.trace = new ImapCommandTrace(deps.metrics.tracer, {
      'imap.endpoint': this.settings.endpoint,
      'net.peer.ip': transport.remoteAddress,
    })
    transport.setIdleTimeout(this.settings.idleTimeoutMs)
    // RFC 9051 §7.1.1: the greeting may carry the capabilities, saving a round trip.
    transport.write(
      untaggedResponse(
        'OK',
        `${this.settings.hostname} IMAP4rev2 server ready`,
        `CAPABILITY ${this.capabilities().join(' ')}`,
      ),
    )
  }

  // ---- Session (transport events) ----

  onData(chunk: Uint8Array): void {
    // RFC 9051 §6.2.1: nothing sent behind STARTTLS before the handshake is ever interpreted.
    if (this.closed || this.negotiatingTls || this.state === 'logout') return
    if (this.deflate !== null) this.deflate.inflate(chunk)
    else this.receive(chunk)
  }

  /** Plain (or inflated) command bytes. */
  private receive(chunk: Uint8Array): void {
    if (this.closed || this.state === 'logout') return
    this.receiver.push(chunk)
    if (this.lineWaiter !== null) this.deliverLine()
    else this.kick()
  }

  onTlsStarted(): void {
    this.negotiatingTls = false
    // RFC 9051 §6.2.1: the client discards what it learnt before TLS; so does the server.
    this.receiver = new ImapReceiver(this.receiverLimits())
    this.logger.debug('TLS started', { protocol: this.transport.tlsInfo?.protocol })
  }

  onClose(reason: CloseReason): void {
    if (this.closed) return
    this.closed = true
    this.state = 'logout'
    this.out.clear()
    this.stopSubscription()
    this.selected = null
    const waiter = this.lineWaiter
    this.lineWaiter = null
    waiter?.reject(new ConnectionClosedError())
    this.deps.metrics.active.dec(this.endpoint)
    this.logger.debug('imap session closed', { reason, errors: this.errors })
    this.wakeIdleWaiters()
  }

  onIdleTimeout(): void {
    // RFC 9051 §5.4: autologout after at least 30 minutes of inactivity, with BYE.
    this.bye('Autologout; idle for too long')
  }

  onShutdown(): void {
    this.shutdownRequested = true
    // Between commands, or waiting for the client (IDLE, a SASL answer): go now. Otherwise after
    // the running command.
    if (!this.running || this.lineWaiter !== null) this.bye('Server shutting down')
  }

  /** Resolves once every complete command received so far has been answered, or the session waits for a line (tests). */
  whenIdle(): Promise<void> {
    if (!this.running || this.closed || this.lineWaiter !== null) return this.updates
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  // ---- CommandContext ----

  get utf8(): boolean {
    return this.enabled.utf8Accept || this.enabled.imap4rev2
  }

  capabilities(): string[] {
    return capabilityList({
      authenticated: this.user !== null,
      secure: this.transport.secure,
      startTlsOffered: this.settings.startTls,
      allowInsecureAuth: this.settings.allowInsecureAuth,
      appendLimit: this.settings.maxLiteralSize,
    })
  }

  enable(extension: EnableableExtension): boolean {
    const key = (
      { CONDSTORE: 'condstore', QRESYNC: 'qresync', 'UTF8=ACCEPT': 'utf8Accept', IMAP4REV2: 'imap4rev2' } as const
    )[extension]
    const was = this.enabled[key]
    this.enabled[key] = true
    if (extension === 'QRESYNC') this.enabled.condstore = true
    return !was
  }

  untagged(values: readonly ResponseValue[]): void {
    // Serialized straight into the output buffer: a literal's octets are copied once, there.
    if (this.closed || this.ending) return
    writeValues(values, { utf8: this.utf8 }, this.out, '* ', '\r\n')
  }

  async untaggedStream(values: readonly ResponseValue[]): Promise<void> {
    const parts = serializeParts(values, { utf8: this.utf8 })
    this.queueText('* ')
    for (const part of parts) {
      if (part instanceof Uint8Array) {
        this.queue(part)
        continue
      }
      // Everything before the literal goes out first; then its octets straight to the transport.
      this.flush()
      await this.writeStreamedLiteral(part)
    }
    this.queueText('\r\n')
  }

  untaggedStatus(status: UntaggedStatus, text: string, code?: string): void {
    this.queueText(untaggedResponse(status, text, code))
  }

  flush(): void {
    this.out.flush()
  }

  pace(): Promise<boolean> | null {
    if (this.closed || this.ending) return Promise.resolve(false)
    if (this.transport.queuedBytes > STREAM_HIGH_WATER) {
      this.flush()
      return this.drained().then(ok => this.turned(ok))
    }
    if (performance.now() - this.turnStarted < TURN_MS) return null
    this.flush()
    return new Promise<boolean>(resolve => setImmediate(() => resolve(this.turned(!this.closed && !this.ending))))
  }

  private turned(ok: boolean): boolean {
    this.turnStarted = performance.now()
    return ok
  }

  requestLine(continuation: string): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new ConnectionClosedError())
    this.flush()
    this.out.releaseSpare()
    this.transport.write(continuation)
    const line = new Promise<Uint8Array>((resolve, reject) => {
      this.lineWaiter = { resolve, reject }
    })
    this.deliverLine()
    // The session now waits for the client (SASL response, IDLE DONE), which counts as idle.
    if (this.lineWaiter !== null) this.wakeIdleWaiters()
    return line
  }

  login(user: AuthenticatedUser): void {
    this.user = user
    this.state = 'authenticated'
    this.receiver.limits = this.receiverLimits()
  }

  loginFailed(): void {
    this.deps.metrics.authFailures.inc({ protocol: 'imap' })
    this.countError()
  }

  select(mailbox: SelectedMailbox): void {
    this.deselect()
    this.selected = mailbox
    this.state = 'selected'
    this.unsubscribe = this.storage.events.subscribe(mailbox.mailboxId, event => {
      mailbox.onEvent(event)
      if (this.idling) this.pushUpdates()
    })
  }

  deselect(): void {
    this.stopSubscription()
    this.selected = null
    if (this.state === 'selected') this.state = 'authenticated'
  }

  logout(): void {
    this.deselect()
    this.state = 'logout'
    this.closeAfterCommand = true
  }

  sendUpdates(options: UpdateOptions): Promise<void> {
    const run = () => this.writeUpdates(options)
    this.updates = this.updates.then(run, run)
    return this.updates
  }

  setIdling(idling: boolean): void {
    this.idling = idling
    if (idling) {
      // RFC 2177 §3: the client may idle up to 29 minutes between commands; our autologout covers it.
      this.transport.setIdleTimeout(this.settings.idleTimeoutMs)
      this.pushUpdates()
    }
  }

  get compressionActive(): boolean {
    return this.deflate !== null
  }

  startCompression(): void {
    if (this.deflate !== null || this.closed) return
    // RFC 4978 §3: compression starts right after the tagged OK, in both directions. Whatever the
    // client sent behind the command is already compressed: it goes through the inflater too.
    const leftover = this.receiver.takeLeftover()
    const inner = this.transport
    const deflate = new DeflateTransport(inner, {
      onData: bytes => this.receive(bytes),
      onError: error => {
        this.logger.info('invalid compressed input; closing', { error: error.message })
        this.bye('Invalid compressed data')
      },
    })
    this.deflate = deflate
    this.transport = deflate
    deflate.inflate(leftover)
  }

  async startTls(): Promise<void> {
    this.flush()
    // RFC 9051 §6.2.1 / CVE-2011-0411 class: commands pipelined behind STARTTLS were sent in the
    // clear and must never run inside the TLS session.
    const dropped = this.receiver.takeLeftover()
    if (dropped.length > 0) this.logger.info('dropped input pipelined behind STARTTLS', { bytes: dropped.length })
    this.negotiatingTls = true
    try {
      await this.transport.startTls()
    } catch (error) {
      // The OK already went out, so the client is starting a handshake: nothing sane is left.
      this.logger.warn('STARTTLS failed after OK; closing', { error })
      this.negotiatingTls = false
      this.closeNow()
    }
  }

  // ---- the input loop ----

  private kick(): void {
    if (this.running || this.closed) return
    this.running = true
    void this.run()
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        if (this.closed || this.negotiatingTls || this.state === 'logout') break
        if (this.shutdownRequested) {
          this.bye('Server shutting down')
          break
        }
        // next() decides synchronously, so no input can slip in between "nothing left" and
        // `running = false` below.
        const event = this.receiver.next()
        if (event === null) break
        if (event.type === 'continuation') {
          // RFC 9051 §7.5: the client sends the literal's octets only after this.
          this.flush()
          this.transport.write(continuationRequest())
        } else if (event.type === 'error') {
          this.answerFramingError(event.error, event.closeConnection)
          this.finishCommand()
        } else await this.execute(event.command)
      }
    } catch (error) {
      // execute() catches everything handlers throw; reaching here is a bug in the session itself.
      this.logger.error('imap session failed', { error })
      this.closeNow()
    }
    this.running = false
    this.flush()
    // Waiting for the client now: keep no output memory (thousands of sessions sit in IDLE).
    this.out.releaseSpare()
    this.wakeIdleWaiters()
  }

  private async execute(raw: RawCommand): Promise<void> {
    const parsed = tryParseCommand(raw, { utf8Accept: this.utf8 })
    if (!parsed.ok) {
      this.answerFramingError(parsed.error, false)
      this.finishCommand()
      return
    }
    const command = parsed.command
    this.turnStarted = performance.now()
    const label = 'uid' in command && command.uid ? `UID ${command.name}` : command.name
    this.trace.begin(command.name, label !== command.name)
    const handler = this.deps.commands.get(command.name) as ImapCommandHandler | undefined
    let result: CommandResult | undefined
    try {
      if (handler === undefined) throw new CommandRefusal(`${label} is not supported`)
      if (!handler.states.includes(this.state))
        throw new CommandRefusal(stateRefusal(label, handler.states, this.state))
      result = (await handler.run(this, command)) ?? undefined
    } catch (error) {
      if (this.closed) return
      const reply = error instanceof CommandRefusal ? refusalReply(error) : replyForError(error)
      this.logFailure(label, error, reply)
      await this.sendUpdates({ expunge: handler ? !(handler.deferExpunge?.(command) ?? false) : false })
      this.answer(command.tag, reply.status, reply.text, reply.code, command.name)
      this.finishCommand()
      return
    }
    if (this.closed) return
    await this.sendUpdates({ expunge: !(handler.deferExpunge?.(command) ?? false) })
    this.answer(command.tag, 'OK', result?.text ?? `${label} completed`, result?.code, command.name)
    if (result?.afterResponse) {
      this.flush()
      await result.afterResponse()
    }
    this.finishCommand()
  }

  /** Tagged result line, counted in the metrics; BADs count against imap.maxErrors. */
  private answer(tag: string, status: TaggedStatus, text: string, code: string | undefined, command: string): void {
    this.queueText(taggedResponse(tag, status, text, code))
    const result = status.toLowerCase() as CommandOutcome
    this.deps.metrics.commands.inc({ command, result })
    this.trace.answered(status, text)
    if (status === 'BAD') this.countError()
  }

  /** A command the receiver or parser could not take (RFC 9051 §7.1.5 BAD; TOOBIG literals NO). */
  private answerFramingError(error: ImapParseError, closeConnection: boolean): void {
    if (error.tag !== null) this.answer(error.tag, error.status, error.message, error.responseCode, 'invalid')
    else {
      this.queueText(untaggedResponse('BAD', error.message, error.responseCode))
      this.deps.metrics.commands.inc({ command: 'invalid', result: 'bad' })
      this.countError()
    }
    if (closeConnection) this.bye('Cannot continue after this input')
  }

  private finishCommand(): void {
    if (this.closeAfterCommand) this.closeNow()
  }

  private countError(): void {
    this.errors++
    if (this.errors >= this.settings.maxErrors) {
      this.logger.info('too many errors; closing', { errors: this.errors })
      this.closeAfterCommand = true
      this.queueText(untaggedResponse('BYE', 'Too many invalid commands or failed logins'))
    }
  }

  private logFailure(command: string, error: unknown, reply: ErrorReply): void {
    if (reply.log === 'error') {
      this.logger.error('imap command failed', { command, code: reply.code, error })
      return
    }
    const reason = error instanceof Error ? error.message : String(error)
    this.logger[reply.log]('imap command refused', { command, status: reply.status, code: reply.code, reason })
  }

  // ---- output and lines ----

  /**
   * One batch of output to the transport; true when the transport kept no reference to it, so
   * the output buffer may reuse the memory. A socket transport queues only what the socket did not
   * take (net/write-queue.ts): nothing queued afterwards means the kernel (or the TLS layer) took
   * a copy of every octet. The compressing transport hands the octets to zlib, which may still be
   * reading them: never reused.
   */
  private send(bytes: Uint8Array): boolean {
    this.transport.write(bytes)
    return this.deflate === null && this.transport.queuedBytes === 0
  }

  private queue(bytes: Uint8Array): void {
    if (this.closed || this.ending) return
    this.out.bytes(bytes)
  }

  private queueText(text: string): void {
    if (this.closed || this.ending) return
    this.out.text(text)
  }

  /**
   * A streamed literal's octets, a chunk at a time: the next chunk is read only once the
   * connection has taken most of the last ones (POP3 RETR does the same), so a slow client never
   * makes the server hold a big message. If the source fails or comes up short, the literal can
   * no longer be completed and the connection is closed (RFC 9051 §7.1.5 has no other way out).
   */
  private async writeStreamedLiteral(literal: StreamedLiteral): Promise<void> {
    let written = 0
    try {
      for await (const chunk of literal.chunks()) {
        if (this.closed || this.ending) return
        const piece = chunk.length > literal.size - written ? chunk.subarray(0, literal.size - written) : chunk
        this.transport.write(piece)
        written += piece.length
        if (written >= literal.size) break
        if (this.transport.queuedBytes > STREAM_HIGH_WATER && !(await this.drained())) return
      }
    } catch (error) {
      this.logger.error('message read failed while streaming a literal; closing', { error })
      this.closeNow()
      throw error
    }
    if (written !== literal.size) {
      this.logger.error('message shorter than its literal; closing', { expected: literal.size, written })
      this.closeNow()
      throw new Error('streamed literal ended early')
    }
  }

  /** Waits until the transport's queue is down to STREAM_LOW_WATER; false when the connection went. */
  private async drained(): Promise<boolean> {
    let pause = 1
    while (this.transport.queuedBytes > STREAM_LOW_WATER) {
      if (this.closed || this.ending) return false
      // The transport has no drain event for sessions: poll with a short, growing pause (as POP3).
      await new Promise(resolve => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, 20)
    }
    return !this.closed && !this.ending
  }

  private deliverLine(): void {
    const waiter = this.lineWaiter
    if (waiter === null) return
    const event = this.receiver.nextLine()
    if (event === null) return
    this.lineWaiter = null
    if (event.type === 'line') waiter.resolve(event.line)
    else {
      if (event.closeConnection) this.closeAfterCommand = true
      waiter.reject(event.error)
    }
  }

  // ---- selected mailbox changes ----

  private async writeUpdates(options: UpdateOptions): Promise<void> {
    const view = this.selected
    if (view === null || this.closed || !view.hasPendingUpdates(options)) return
    const updates = view.takeUpdates(options)
    if (updates.deleted) {
      // RFC 9051 §7.1.5: BYE when the server must end the session; the mailbox is gone.
      this.deselect()
      this.bye('Selected mailbox was deleted, have to disconnect')
      return
    }
    try {
      await writeMailboxUpdates(this, view, updates)
    } catch (error) {
      this.logger.warn('could not report mailbox changes', { mailboxId: view.mailboxId, error })
    }
  }

  /** During IDLE: send what is queued as soon as it is committed (RFC 2177 §3). */
  private pushUpdates(): void {
    void this.sendUpdates({ expunge: true }).then(() => {
      this.flush()
      this.out.releaseSpare()
    })
  }

  private stopSubscription(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
  }

  // ---- closing ----

  /** `* BYE text` and close once it is written. */
  private bye(text: string): void {
    if (this.closed || this.ending) return
    this.queueText(untaggedResponse('BYE', text))
    this.closeNow()
  }

  private closeNow(): void {
    if (this.closed || this.ending) return
    this.flush()
    this.ending = true
    this.state = 'logout'
    this.idling = false
    this.stopSubscription()
    this.transport.end()
  }

  private receiverLimits(): ReceiverLimits {
    const { maxLiteralSize, maxLineLength } = this.settings
    if (this.user === null) return { ...DEFAULT_RECEIVER_LIMITS, ...PRE_AUTH_LIMITS, maxLineLength }
    // MULTIAPPEND (RFC 3502): room for a couple of maximal messages in one command.
    return {
      ...DEFAULT_RECEIVER_LIMITS,
      maxLiteralSize,
      maxLineLength,
      maxCommandSize: 2 * maxLiteralSize + maxLineLength,
    }
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
  }
}

/** A command that cannot run here (unknown to the server, wrong state): BAD, RFC 9051 §6. */
class CommandRefusal extends Error {}

const refusalReply = (error: CommandRefusal): ErrorReply => ({
  status: 'BAD',
  code: undefined,
  text: error.message,
  log: 'debug',
})

function stateRefusal(label: string, allowed: readonly ImapState[], state: ImapState): string {
  if (state === 'not-authenticated') return `${label} is not allowed before login`
  if (allowed.length === 1 && allowed[0] === 'not-authenticated') return `${label} is only allowed before login`
  if (allowed.length === 1 && allowed[0] === 'selected')
    return `${label} needs a selected mailbox (SELECT or EXAMINE first)`
  if (allowed.length === 1 && allowed[0] === 'authenticated')
    return `${label} is not allowed while a mailbox is selected`
  return `${label} is not allowed now`
}
