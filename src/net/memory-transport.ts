// An in-memory Transport for session tests (DESIGN.md "Conventions": sessions are state machines fed
// through net/'s in-memory transport). It mirrors the socket transport's contract: writes are dropped
// between startTls() and the (simulated) handshake and recorded, so a test can assert that a session
// never answered a command pipelined behind STARTTLS; onClose runs once, asynchronously.
import { temporaryError, userError } from '../core/errors.ts'
import { newId } from '../core/ids.ts'
import { type Logger, silentLogger } from '../core/logger.ts'
import type { CloseReason, Session, TlsInfo, Transport } from './transport.ts'
import { concatBytes } from '../core/bytes.ts'

export interface MemoryTransportOptions {
  id?: string
  remoteAddress?: string
  remotePort?: number
  localPort?: number
  /** Start as implicit TLS. */
  secure?: boolean
  /** Whether startTls() can succeed (a certificate is configured). Default true. */
  tlsAvailable?: boolean
  logger?: Logger
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const TEST_TLS: TlsInfo = { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }

export class MemoryTransport implements Transport {
  readonly id: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localPort: number
  readonly logger: Logger
  secure: boolean
  tlsInfo?: TlsInfo
  /** Set once closed. */
  closeReason: CloseReason | null = null
  /** Writes a session attempted between startTls() and the handshake (must stay empty). */
  readonly writesDuringTlsNegotiation: Uint8Array[] = []
  /** Bytes fed while STARTTLS was negotiating; the socket transport discards them, so does this one. */
  discardedInput = 0
  idleTimeoutMs: number | null = null

  private session: Session | null = null
  private readonly written: Uint8Array[] = []
  private readCursor = 0
  private held: Uint8Array[] = []
  private holding = false
  private negotiating = false
  private ending = false
  private endReason: CloseReason = 'server'
  private timingOut = false
  private onOutputReleased: Array<() => void> = []
  private readonly tlsAvailable: boolean

  constructor(options: MemoryTransportOptions = {}) {
    this.id = options.id ?? newId('c')
    this.remoteAddress = options.remoteAddress ?? '127.0.0.1'
    this.remotePort = options.remotePort ?? 50000
    this.localPort = options.localPort ?? 25
    this.secure = options.secure ?? false
    if (this.secure) this.tlsInfo = TEST_TLS
    this.tlsAvailable = options.tlsAvailable ?? true
    this.logger = (options.logger ?? silentLogger).child({ cid: this.id })
  }

  /** Create the session for this transport, as the listener would on accept. */
  attach<S extends Session>(factory: (t: Transport) => S): S {
    const session = factory(this)
    this.session = session
    return session
  }

  get closed(): boolean {
    return this.closeReason !== null
  }

  get queuedBytes(): number {
    return this.held.reduce((n, b) => n + b.length, 0)
  }

  // ---- Transport ----

  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data.slice()
    if (this.negotiating) {
      this.writesDuringTlsNegotiation.push(bytes)
      return
    }
    if (this.closed || this.ending) return
    if (this.holding) this.held.push(bytes)
    else this.written.push(bytes)
  }

  startTls(): Promise<void> {
    if (this.closed || this.ending) return Promise.reject(temporaryError('connection is closing'))
    if (this.secure || this.negotiating) return Promise.reject(userError('TLS is already active'))
    if (!this.tlsAvailable) return Promise.reject(temporaryError('TLS not available', { smtp: [454, '4.7.0'] }))
    this.negotiating = true
    // The handshake completes later, as on a socket, and only after queued output has been read: a
    // session that keeps parsing its buffer after calling startTls() is caught by
    // writesDuringTlsNegotiation.
    return new Promise<void>(resolve => {
      const handshake = () =>
        setTimeout(() => {
          if (this.closed) return
          this.negotiating = false
          this.secure = true
          this.tlsInfo = TEST_TLS
          this.session?.onTlsStarted?.()
          resolve()
        }, 0)
      if (this.held.length === 0) handshake()
      else this.onOutputReleased.push(handshake)
    })
  }

  end(): void {
    if (this.closed || this.ending) return
    this.ending = true
    this.endReason = this.timingOut ? 'timeout' : 'server'
    if (!this.holding) this.finish(this.endReason)
  }

  destroy(): void {
    this.held = []
    this.finish(this.timingOut ? 'timeout' : 'server')
  }

  setIdleTimeout(ms: number): void {
    this.idleTimeoutMs = ms
  }

  // ---- test driver ----

  /** Bytes from the client, delivered in one onData call (one TCP segment). */
  feed(data: string | Uint8Array): void {
    if (this.closed || this.ending) return
    const bytes = typeof data === 'string' ? encoder.encode(data) : data
    if (this.negotiating) {
      this.discardedInput += bytes.length
      return
    }
    this.session?.onData(bytes)
  }

  /** Everything written so far, decoded as UTF-8. */
  output(): string {
    return decoder.decode(this.outputBytes())
  }

  outputBytes(): Uint8Array {
    return concatBytes(this.written)
  }

  /** Output written since the previous call of takeOutput(). */
  takeOutput(): string {
    const fresh = this.written.slice(this.readCursor)
    this.readCursor = this.written.length
    return decoder.decode(concatBytes(fresh))
  }

  /** Simulate a client that stops reading: later writes stay queued (queuedBytes > 0). */
  holdOutput(): void {
    this.holding = true
  }

  /** The client reads again: queued writes are delivered, and a pending end() completes. */
  releaseOutput(): void {
    this.holding = false
    this.written.push(...this.held)
    this.held = []
    const waiting = this.onOutputReleased
    this.onOutputReleased = []
    for (const cb of waiting) cb()
    if (this.ending) this.finish(this.endReason)
  }

  /** The client closes the connection. */
  clientClose(): void {
    this.finish('client')
  }

  /** Fire the idle timeout, as the socket transport would. */
  idleTimeout(): void {
    if (this.closed) return
    this.timingOut = true
    try {
      if (this.session?.onIdleTimeout) this.session.onIdleTimeout()
      else this.end()
    } finally {
      this.timingOut = false
    }
  }

  /** Let pending timers and promises (the simulated handshake, async session work) run. */
  async tick(): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, 0))
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return
    this.closeReason = reason
    this.negotiating = false
    const session = this.session
    // As on a socket, onClose never runs inside the session's own call.
    queueMicrotask(() => session?.onClose?.(reason))
  }
}

/** A MemoryTransport with its session attached. */
export function createMemoryConnection<S extends Session>(
  factory: (t: Transport) => S,
  options: MemoryTransportOptions = {},
): { transport: MemoryTransport; session: S } {
  const transport = new MemoryTransport(options)
  const session = transport.attach(factory)
  return { transport, session }
}
