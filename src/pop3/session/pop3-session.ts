// One POP3 connection as a state machine over a Transport (RFC 1939 §3: AUTHORIZATION →
// TRANSACTION → UPDATE). Bytes go into one LineReader; a single loop takes out complete lines and
// runs each command to its end before taking the next, so pipelined commands (RFC 2449 §6.6) are
// answered strictly in order although logins, storage reads and RETR streaming are asynchronous.
//
// `fail` is the one place where a thrown error becomes a -ERR line, is counted against
// pop3.maxErrors, and is logged at a level that fits its kind.
import { MailError, errorMessage } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import { LineReader, LineTooLongError } from '../../net/line-reader.ts'
import type { CloseReason, Session, Transport } from '../../net/transport.ts'
import { capabilities } from '../protocol/capabilities.ts'
import { parsePop3Command } from '../protocol/parse-command.ts'
import { Pop3Error, pop3SyntaxError } from '../protocol/pop3-error.ts'
import { errLine, multiLine, okLine } from '../protocol/response.ts'
import { dispatchCommand } from './dispatch-command.ts'
import { handleSaslResponse } from './handle-authorization.ts'
import type { MessageSink } from './send-message.ts'
import { freshAuthorization, type Pop3SessionContext, type Pop3SessionDeps, type Pop3State } from './session-context.ts'

/** Commands a client may buffer behind a slow one before it is cut off (about 50,000 RETR lines). */
const INPUT_LIMIT = 1024 * 1024
/** Above this many queued bytes RETR waits before reading the next chunk... */
const HIGH_WATER_BYTES = 1024 * 1024
/** ...until the queue is down to this. */
const LOW_WATER_BYTES = 256 * 1024
/** Longest pause between checks of a draining queue (the transport has no drain callback). */
const MAX_DRAIN_POLL_MS = 20

export class Pop3Session implements Session, Pop3SessionContext {
  state: Pop3State = freshAuthorization()
  readonly logger: Logger
  readonly sink: MessageSink
  private readonly input: LineReader
  private running = false
  private errors = 0
  private shutdownRequested = false
  private idleWaiters: Array<() => void> = []

  constructor(
    readonly transport: Transport,
    readonly deps: Pop3SessionDeps,
  ) {
    this.logger = transport.logger
    this.input = new LineReader({ maxLineLength: deps.settings.maxLineLength, lineEnding: 'crlf-or-lf' })
    this.sink = {
      write: bytes => this.write(bytes),
      get congested() {
        return transport.queuedBytes > HIGH_WATER_BYTES
      },
      drained: () => this.drained(),
    }
    deps.metrics.connections.inc()
    deps.metrics.active.inc()
    transport.setIdleTimeout(deps.settings.idleTimeoutMs)
    // RFC 1939 §4: the greeting. No APOP timestamp: APOP (MD5 of a shared secret) is not offered.
    this.reply(okLine(`${deps.settings.hostname} POP3 server ready`))
  }

  // ---- Session (transport events) ----

  onData(chunk: Uint8Array): void {
    const kind = this.state.kind
    // RFC 2595 §4: plaintext behind STLS is never interpreted; after QUIT nothing more is read.
    if (kind === 'closed' || kind === 'tls' || kind === 'update') return
    this.input.push(chunk)
    if (this.input.pending > INPUT_LIMIT) {
      this.logger.info('too much pipelined input; closing')
      this.abandon(errLine('too much input; closing connection'))
      return
    }
    this.kick()
  }

  onTlsStarted(): void {
    // RFC 2595 §4: forget everything learnt before TLS (the USER name), and whatever was pipelined.
    this.state = freshAuthorization()
    this.input.clear()
    this.transport.setIdleTimeout(this.deps.settings.idleTimeoutMs)
    this.logger.debug('TLS started; session state reset', { protocol: this.transport.tlsInfo?.protocol })
    this.kick()
  }

  onClose(reason: CloseReason): void {
    const state = this.state
    this.state = { kind: 'closed' }
    // A dropped connection never enters UPDATE (RFC 1939 §6): nothing is deleted, the lock goes.
    // During UPDATE the QUIT handler releases the lock once storage is done.
    if (state.kind === 'transaction') state.lock.release()
    this.input.clear()
    this.deps.metrics.active.dec()
    this.logger.debug('pop3 session closed', { reason, errors: this.errors })
    this.wakeIdleWaiters()
  }

  onIdleTimeout(): void {
    // RFC 1939 §3: on autologout the server closes without a response and without entering UPDATE.
    this.logger.info('idle timeout; closing without update')
    this.releaseLock()
    this.close()
  }

  onShutdown(): void {
    this.shutdownRequested = true
    if (!this.running) this.sayGoodbye()
  }

  /** Resolves once every complete command received so far has been answered (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (!this.running || this.state.kind === 'closed') return Promise.resolve()
    return new Promise(resolve => this.idleWaiters.push(resolve))
  }

  // ---- Pop3SessionContext ----

  reply(text: string): void {
    this.write(text)
  }

  loginAllowed(): boolean {
    return this.transport.secure || this.deps.settings.allowInsecureAuth
  }

  clearInput(): void {
    this.input.clear()
  }

  close(): void {
    if (this.state.kind === 'closed') return
    if (this.state.kind !== 'update') this.releaseLock()
    this.state = { kind: 'closed' }
    this.transport.end()
  }

  // ---- the input loop ----

  private kick(): void {
    if (this.running) return
    this.running = true
    void this.loop()
  }

  private async loop(): Promise<void> {
    try {
      while (this.readsCommands() && !this.shutdownRequested) {
        let line: string | null
        try {
          line = this.input.line()
        } catch (e) {
          if (!(e instanceof LineTooLongError)) throw e
          this.fail(pop3SyntaxError('line too long'))
          continue
        }
        if (line === null) break
        await this.execute(line)
      }
    } catch (e) {
      this.logger.error('pop3 session loop failed', { error: e })
      this.transport.destroy()
    } finally {
      this.running = false
      if (this.shutdownRequested) this.sayGoodbye()
      this.wakeIdleWaiters()
    }
  }

  private readsCommands(): boolean {
    const kind = this.state.kind
    return kind === 'authorization' || kind === 'transaction'
  }

  private async execute(line: string): Promise<void> {
    const state = this.state
    try {
      if (state.kind === 'authorization' && state.sasl !== null) {
        await handleSaslResponse(this, state, state.sasl, line)
        return
      }
      const command = parsePop3Command(line)
      this.logger.debug('command', { verb: command.name })
      if (command.name === 'CAPA') {
        this.capa()
        return
      }
      if (state.kind === 'authorization' || state.kind === 'transaction') await dispatchCommand(this, state, command)
    } catch (e) {
      this.fail(e)
    }
  }

  private capa(): void {
    this.reply(
      multiLine(
        'Capability list follows',
        capabilities({
          authorization: this.state.kind === 'authorization',
          secure: this.transport.secure,
          tlsAvailable: this.deps.settings.tlsAvailable,
          loginAllowed: this.loginAllowed(),
        }),
      ),
    )
  }

  /** The one place an error becomes a reply. */
  private fail(e: unknown): void {
    if (this.state.kind === 'closed') return
    if (e instanceof Pop3Error) {
      if (e.kind === 'temporary') this.logger.warn('command failed', { error: e.message, code: e.responseCode })
      this.reply(errLine(e.message, e.responseCode))
      if (e.countsAsError) this.countError()
      return
    }
    if (e instanceof MailError && e.kind === 'temporary') {
      this.logger.warn('command failed', { error: e.message })
      this.reply(errLine('temporary failure; try again later', 'SYS/TEMP'))
      return
    }
    this.logger.error('command failed unexpectedly', { error: e instanceof Error ? e : errorMessage(e) })
    this.reply(errLine('internal server error', 'SYS/TEMP'))
  }

  private countError(): void {
    if (++this.errors < this.deps.settings.maxErrors) return
    this.logger.info('too many errors; closing', { errors: this.errors })
    this.abandon(errLine('too many bad commands; closing connection'))
  }

  /** Close without UPDATE after a last -ERR (errors, overflow, shutdown). */
  private abandon(lastWords: string): void {
    if (this.state.kind === 'closed') return
    this.reply(lastWords)
    this.releaseLock()
    this.close()
  }

  private sayGoodbye(): void {
    if (!this.readsCommands()) return
    // Nothing is deleted: the client did not QUIT (RFC 1939 §6).
    this.abandon(errLine('server shutting down', 'SYS/TEMP'))
  }

  private releaseLock(): void {
    if (this.state.kind === 'transaction') this.state.lock.release()
  }

  private write(data: string | Uint8Array): void {
    if (this.state.kind === 'closed') return
    this.deps.metrics.bytesSent.inc({}, typeof data === 'string' ? Buffer.byteLength(data) : data.length)
    this.transport.write(data)
  }

  /** The transport has no drain event for sessions: poll its queue with a short, growing pause. */
  private async drained(): Promise<boolean> {
    let pause = 1
    while (this.transport.queuedBytes > LOW_WATER_BYTES) {
      if (this.state.kind === 'closed') return false
      await new Promise(resolve => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, MAX_DRAIN_POLL_MS)
    }
    return this.state.kind !== 'closed'
  }

  private wakeIdleWaiters(): void {
    if (this.running && this.state.kind !== 'closed') return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}
