// One SMTP connection as a state machine over a Transport (Stalwart `ingest(bytes)`, nodemailer
// smtp-connection `_onCommand`). Bytes go into one LineReader; a single loop takes out whatever is
// complete — a command line, a SASL response, DATA bytes, BDAT octets — and runs it to the end before
// taking the next, so pipelined commands (RFC 2920) are answered strictly in order even though the
// pipeline and the password check are asynchronous. Replies are queued and written in one write
// when the loop runs out of input, never held while the session waits for the client.
//
// `execute` is the one place where a thrown error becomes a reply (replyForError), is counted
// against smtp.maxErrors and in the metrics, and is logged at a level that fits its kind.
import { MailError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { Labels } from '../../observability/metrics.ts'
import { LineReader } from '../../net/line-reader.ts'
import { SmtpTransactionTrace } from '../../observability/tracing/smtp-transaction-trace.ts'
import type { CloseReason, Session, Transport } from '../../net/transport.ts'
import type { InboundContext } from '../inbound/inbound-types.ts'
import { MAX_AUTH_LINE, parseCommand } from '../protocol/parse-command.ts'
import { SmtpReplyError, replyForError } from '../protocol/reply-error.ts'
import { formatReply, type SmtpReply } from '../protocol/reply.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import { continueAuth, handleAuth } from './handle-auth.ts'
import { finishBdatChunk, handleBdat } from './handle-bdat.ts'
import { finishData, handleData } from './handle-data.ts'
import { handleHello } from './handle-ehlo.ts'
import { handleMail } from './handle-mail.ts'
import { handleRcpt } from './handle-rcpt.ts'
import { handleExpn, handleHelp, handleNoop, handleQuit, handleRset, handleVrfy } from './handle-simple-commands.ts'
import { handleStartTls } from './handle-starttls.ts'
import { buildInboundContext } from './inbound-context.ts'
import { isEarlyTalker, isHttpVerb } from './protocol-violations.ts'
import type { HandlerResult, SessionContext, SmtpSessionDeps } from './session-context.ts'
import {
  earlyTalkerReply,
  greetingReply,
  httpRequestReply,
  inputOverflowReply,
  shutdownReply,
  timeoutReply,
  tooManyErrorsReply,
} from './session-replies.ts'
import {
  type InputMode,
  type SaslExchange,
  type SessionState,
  forgetAfterStartTls,
  newSessionState,
} from './session-state.ts'
import type { SmtpSessionSettings } from './session-settings.ts'
import { type RejectionReason, messageResult, rejectionReason } from './smtp-metrics.ts'

/**
 * Replies that count against smtp.maxErrors: the client got the protocol wrong (RFC 5321 §4.2.4
 * 500-504, 555) or failed to log in (RFC 4954 §6 530, 534, 535, 538), the signs of a broken client,
 * a scanner or a password guesser. Policy refusals (550 unknown user, 552 size) do not count.
 */
const PROTOCOL_ERROR_CODES = new Set([500, 501, 502, 503, 504, 530, 534, 535, 538, 555])
/** Bytes a busy session buffers from a client that keeps sending (beyond two maximal messages). */
const INPUT_SLACK = 1024 * 1024
const PROGRESS: Promise<void> = Promise.resolve()
const utf8 = new TextDecoder()

export class SmtpSession implements Session, SessionContext {
  readonly state: SessionState = newSessionState()
  readonly settings: SmtpSessionSettings
  readonly logger: Logger
  private readonly input: LineReader
  private readonly inputLimit: number
  private readonly port: Labels
  /** Formatted replies not yet written (RFC 2920 §3.2: replies to a group may go out together). */
  private out: string[] = []
  private running = false
  private idleWaiters: Array<() => void> = []
  private shutdownRequested = false
  private readonly trace: SmtpTransactionTrace

  constructor(
    readonly transport: Transport,
    readonly deps: SmtpSessionDeps,
  ) {
    this.settings = deps.settings
    this.logger = transport.logger
    this.port = deps.metrics.portLabels(this.settings.port)
    // RFC 4954 §4: AUTH lines may be 12288 octets; parseCommand applies the shorter limit to others.
    this.input = new LineReader({
      maxLineLength: Math.max(this.settings.maxLineLength, MAX_AUTH_LINE),
      lineEnding: 'crlf-or-lf',
    })
    this.inputLimit = 2 * this.settings.maxMessageSize + INPUT_SLACK
    deps.metrics.connections.inc(this.port)
    deps.metrics.active.inc(this.port)
    this.trace = new SmtpTransactionTrace(deps.metrics.tracer, {
      'smtp.port': this.settings.port,
      'net.peer.ip': transport.remoteAddress,
    })
    transport.setIdleTimeout(this.settings.commandTimeoutMs)
    // Written at once, never delayed: early talkers are caught by the pipelining rule instead.
    transport.write(formatReply(greetingReply(this.settings.hostname)))
  }

  // ---- Session (transport events) ----

  onData(chunk: Uint8Array): void {
    const mode = this.state.mode.kind
    if (mode === 'closed') return
    this.deps.metrics.bytesReceived.inc(this.port, chunk.length)
    // RFC 3207 §4.2: plaintext that follows STARTTLS is never interpreted.
    if (mode === 'tls') return
    this.input.push(chunk)
    if (this.input.pending > this.inputLimit) {
      this.refuse(inputOverflowReply(this.settings.hostname), 'input_overflow')
      return
    }
    this.kick()
  }

  onTlsStarted(): void {
    forgetAfterStartTls(this.state)
    this.input.clear()
    this.transport.setIdleTimeout(this.settings.commandTimeoutMs)
    this.logger.debug('TLS started; session state reset', { protocol: this.transport.tlsInfo?.protocol })
  }

  onClose(reason: CloseReason): void {
    if (this.state.mode.kind !== 'closed') this.state.mode = { kind: 'closed' }
    this.out = []
    this.input.clear()
    this.deps.metrics.active.dec(this.port)
    this.trace.close()
    this.logger.debug('smtp session closed', { reason, errors: this.state.errors })
    // A STARTTLS interrupted by the close never settles (transport.ts), so the loop may stay
    // suspended; nobody should wait for it.
    this.wakeIdleWaiters()
  }

  onIdleTimeout(): void {
    // RFC 5321 §4.5.3.2: the server may close after its timeout, with 421.
    this.refuse(timeoutReply(this.settings.hostname), 'timeout')
  }

  onShutdown(): void {
    this.shutdownRequested = true
    if (!this.running) this.sayGoodbyeIfIdle()
  }

  /** Resolves once every complete command received so far has been answered (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (!this.running || this.state.mode.kind === 'closed') return Promise.resolve()
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  // ---- SessionContext (for handlers) ----

  inboundContext(): InboundContext {
    return buildInboundContext(this.transport, this.settings, this.state)
  }

  send(reply: SmtpReply, verb: string | null): void {
    if (this.state.mode.kind === 'closed') return
    if (PROTOCOL_ERROR_CODES.has(reply.code) && ++this.state.errors >= this.settings.maxErrors) {
      // RFC 5321 §3.8: 421 may answer any command when the server must close.
      this.logger.info('too many errors; closing', { errors: this.state.errors, verb })
      this.refuse(tooManyErrorsReply(this.settings.hostname), 'too_many_errors')
      return
    }
    const reason = rejectionReason(verb, reply)
    if (reason !== null) this.deps.metrics.rejections.inc({ ...this.port, reason })
    this.out.push(
      formatReply(reply, {
        // RFC 2034 §3: enhanced codes are for clients that saw ENHANCEDSTATUSCODES (not after HELO).
        enhancedCodes: this.state.hello?.esmtp !== false,
        // RFC 6531 §3.7.4.2: UTF-8 reply text only inside an SMTPUTF8 transaction.
        utf8: this.state.transaction?.from.smtputf8 ?? false,
      }),
    )
  }

  flush(): void {
    if (this.out.length === 0) return
    const text = this.out.length === 1 ? (this.out[0] as string) : this.out.join('')
    this.out = []
    this.transport.write(text)
  }

  clearInput(): void {
    this.input.clear()
  }

  setMode(mode: InputMode): void {
    const before = this.state.mode.kind
    if (before === 'closed') return
    this.state.mode = mode
    const readingData = (kind: InputMode['kind']) => kind === 'data' || kind === 'bdat'
    if (readingData(before) !== readingData(mode.kind)) {
      this.transport.setIdleTimeout(
        readingData(mode.kind) ? this.settings.dataTimeoutMs : this.settings.commandTimeoutMs,
      )
    }
  }

  close(): void {
    if (this.state.mode.kind === 'closed') return
    this.flush()
    this.state.mode = { kind: 'closed' }
    this.transport.end()
  }

  // ---- the input loop ----

  private kick(): void {
    if (this.running || this.state.mode.kind === 'closed') return
    this.running = true
    void this.run()
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        if (this.shutdownRequested && this.sayGoodbyeIfIdle()) break
        // nextWork decides synchronously whether there is anything to do, so no input can slip in
        // between "nothing left" and `running = false`.
        const work = this.nextWork()
        if (work === null) break
        await work
      }
    } catch (e) {
      // Handlers' errors are caught in execute(); reaching here is a bug in the session itself.
      this.logger.error('smtp session failed', { error: e })
      this.state.mode = { kind: 'closed' }
      this.transport.destroy()
    }
    this.running = false
    this.flush()
    this.wakeIdleWaiters()
  }

  /** Start the next complete unit of input, or null when the session must wait for the client. */
  private nextWork(): Promise<void> | null {
    const mode = this.state.mode
    switch (mode.kind) {
      case 'closed':
      case 'tls':
        return null
      case 'command':
      case 'auth': {
        let line: Uint8Array | null
        try {
          line = this.input.lineBytes()
        } catch (e) {
          // LineTooLongError (500): the reader skips the rest of that line and stays usable.
          this.state.spoke = true
          if (mode.kind === 'auth') this.setMode({ kind: 'command' })
          return this.execute(mode.kind === 'auth' ? 'AUTH' : null, () => {
            throw e
          })
        }
        if (line === null) return null
        return mode.kind === 'command' ? this.runCommandLine(line) : this.runAuthLine(mode.exchange, line)
      }
      case 'data': {
        const bytes = this.input.takeAvailable(Math.max(1, this.input.pending))
        if (bytes === null) return null
        const result = mode.reader.push(bytes)
        if (!result.done) return PROGRESS
        this.setMode({ kind: 'command' })
        this.input.push(result.leftover) // RFC 2920: the next command may share the last chunk
        return this.execute('DATA', () => finishData(this, result), true)
      }
      case 'bdat': {
        const bytes = this.input.takeAvailable(Math.max(1, this.input.pending))
        if (bytes === null) return null
        const result = mode.reader.push(bytes)
        if (!result.done) return PROGRESS
        this.setMode({ kind: 'command' })
        this.input.push(result.leftover)
        const endOfMessage = result.last && mode.refusal === null
        return this.execute('BDAT', () => finishBdatChunk(this, result, mode.refusal), endOfMessage)
      }
    }
  }

  private runCommandLine(line: Uint8Array): Promise<void> {
    const firstLine = !this.state.spoke
    this.state.spoke = true
    let command: SmtpCommand | null = null
    let parseError: unknown = null
    try {
      command = parseCommand(line, { maxLineLength: this.settings.maxLineLength })
    } catch (e) {
      parseError = e
    }
    if (parseError instanceof SmtpReplyError && isHttpVerb(parseError.verb)) {
      this.refuse(httpRequestReply(this.settings.hostname), 'http')
      return PROGRESS
    }
    if (isEarlyTalker(firstLine, this.input.pending)) {
      this.refuse(earlyTalkerReply(this.settings.hostname), 'early_talker')
      return PROGRESS
    }
    if (command === null) {
      const verb = parseError instanceof SmtpReplyError ? parseError.verb : null
      return this.execute(verb, () => {
        throw parseError
      })
    }
    const parsed = command
    return this.execute(parsed.verb, () => this.dispatch(parsed))
  }

  private runAuthLine(exchange: SaslExchange, line: Uint8Array): Promise<void> {
    this.setMode({ kind: 'command' })
    return this.execute('AUTH', () => continueAuth(this, exchange, utf8.decode(line)))
  }

  private dispatch(command: SmtpCommand): HandlerResult | Promise<HandlerResult> {
    switch (command.verb) {
      case 'HELO':
      case 'EHLO':
        return handleHello(this, command)
      case 'MAIL':
        return handleMail(this, command)
      case 'RCPT':
        return handleRcpt(this, command)
      case 'DATA':
        return handleData(this)
      case 'BDAT':
        return handleBdat(this, command)
      case 'RSET':
        return handleRset(this)
      case 'NOOP':
        return handleNoop()
      case 'VRFY':
        return handleVrfy()
      case 'EXPN':
        return handleExpn()
      case 'HELP':
        return handleHelp()
      case 'QUIT':
        return handleQuit(this)
      case 'STARTTLS':
        return handleStartTls(this)
      case 'AUTH':
        return handleAuth(this, command)
    }
  }

  /** Run a handler and send its reply; the only place that turns a thrown error into a reply. */
  private async execute(
    verb: string | null,
    handler: () => HandlerResult | Promise<HandlerResult>,
    endOfMessage = false,
  ): Promise<void> {
    let reply: SmtpReply | null
    try {
      reply = await handler()
    } catch (e) {
      reply = replyForError(e)
      this.logFailure(verb, e, reply)
    }
    if (reply === null) return
    if (endOfMessage)
      this.deps.metrics.messages.inc(this.deps.metrics.resultLabels(this.settings.port, messageResult(reply)))
    this.trace.reply(verb, reply.code, endOfMessage)
    this.send(reply, verb)
  }

  private logFailure(verb: string | null, error: unknown, reply: SmtpReply): void {
    if (!(error instanceof MailError) || error.kind === 'internal') {
      // A bug: loud, with the stack; the client got 451.
      this.logger.error('smtp command failed', { verb, code: reply.code, error })
      return
    }
    // A temporary failure from below (storage, DNS) is worth a warning; the session's own replies
    // (SmtpReplyError: 452 too many recipients, 454 throttled, ...) are routine.
    const level = error.kind === 'temporary' && !(error instanceof SmtpReplyError) ? 'warn' : 'debug'
    this.logger[level]('smtp command refused', { verb, code: reply.code, reason: error.message })
  }

  /** Send a final reply and close (protocol violations, timeouts, shutdown). */
  private refuse(reply: SmtpReply, reason: RejectionReason): void {
    if (this.state.mode.kind === 'closed') return
    this.deps.metrics.rejections.inc({ ...this.port, reason })
    this.logger.info('closing connection', { reason, code: reply.code })
    this.out.push(formatReply(reply))
    this.close()
  }

  /** Shutdown requested: 421 and close unless a message is being received. */
  private sayGoodbyeIfIdle(): boolean {
    const kind = this.state.mode.kind
    if (kind === 'data' || kind === 'bdat' || kind === 'tls' || kind === 'closed') return false
    this.refuse(shutdownReply(this.settings.hostname), 'shutdown')
    return true
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
  }
}
