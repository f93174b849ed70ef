// One accepted connection: the Transport a session sees, backed by a Bun socket that STARTTLS may
// replace. The Bun handler sets (socket-handlers.ts) only forward events here.
//
// States: handshaking (implicit TLS, before the handshake) → open ⇄ upgrading (STARTTLS) → closing → closed.
import type { Socket, SocketHandler } from 'bun'
import { MailError, errorMessage, temporaryError, userError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import { type IdleTimer, createIdleTimer } from './idle-timer.ts'
import { type SocketHandle, upgradeToTls } from './starttls.ts'
import type {
  CloseReason,
  Session,
  SessionFactory,
  TlsInfo,
  TlsMinVersion,
  TlsProvider,
  Transport,
} from './transport.ts'
import { WriteQueue } from './write-queue.ts'

export type ConnectionSocket = Socket<SocketHandle<SocketConnection>>

/** What every connection of one listener shares. */
export interface ConnectionContext {
  factory: SessionFactory
  tlsProvider?: TlsProvider
  minTlsVersion: TlsMinVersion
  tlsHandlers: SocketHandler<SocketHandle<SocketConnection>>
  idleTimeoutMs: number
  busyMessage: string
  /** Called once when the connection is closed, to free its slot. */
  onClosed(conn: SocketConnection): void
}

type State = 'handshaking' | 'open' | 'upgrading' | 'closing' | 'closed'

/** After end() has flushed and sent FIN, how long to wait for the peer to close before dropping it. */
const LINGER_MS = 2000

export interface ConnectionInit {
  id: string
  socket: ConnectionSocket
  logger: Logger
  context: ConnectionContext
  /** Over the connection limit: write busyMessage and close instead of creating a session. */
  busy: boolean
  /** Frees the limiter slot. */
  release: () => void
}

export class SocketConnection implements Transport {
  readonly id: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localPort: number
  readonly logger: Logger
  secure = false
  tlsInfo?: TlsInfo

  /** Which handler set currently owns the connection; events from the other half are ignored. */
  layer: 'plain' | 'tls' = 'plain'
  private socket: ConnectionSocket
  /** The TCP half under a TLS socket (see starttls.ts); null in plaintext. */
  private rawSocket: ConnectionSocket | null = null
  private state: State = 'open'
  private session: Session | null = null
  private closeReason: CloseReason | null = null
  private timingOut = false
  private droppedWrites = 0
  private pendingTls: { resolve: () => void } | null = null
  private readonly out: WriteQueue
  private readonly idle: IdleTimer
  private readonly context: ConnectionContext
  private readonly busy: boolean
  private readonly release: () => void
  private readonly openedAt = performance.now()

  constructor(init: ConnectionInit) {
    this.id = init.id
    this.socket = init.socket
    this.remoteAddress = init.socket.remoteAddress
    this.remotePort = init.socket.remotePort
    this.localPort = init.socket.localPort
    this.logger = init.logger
    this.context = init.context
    this.busy = init.busy
    this.release = init.release
    // The sink follows `this.socket`, which STARTTLS replaces (only while the queue is empty).
    this.out = new WriteQueue({
      write: bytes => this.socket.write(bytes),
      end: () => {
        this.socket.end()
        // An upgraded socket's end() sends close_notify but leaves the TCP socket open: end it too.
        this.rawSocket?.end()
        // Our FIN is out; wait briefly for the peer's, then close for good (a client may never send it).
        this.idle.setTimeout(Math.min(LINGER_MS, init.context.idleTimeoutMs))
      },
    })
    this.idle = createIdleTimer(init.context.idleTimeoutMs, () => this.onIdle())
  }

  get queuedBytes(): number {
    return this.out.queuedBytes
  }

  /** Plain listener: the connection is ready for its session (or its busy reply) now. */
  startPlain(): void {
    this.ready()
  }

  /** Implicit TLS (RFC 8314 §3): handshake first, with the certificate the provider holds now. */
  startImplicitTls(): void {
    const provider = this.context.tlsProvider
    if (!provider) throw new Error('implicit TLS listener without a TLS provider')
    this.state = 'handshaking'
    try {
      this.switchToTls(provider)
    } catch (e) {
      this.logger.error('cannot start TLS', { error: errorMessage(e) })
      this.closeReason = 'error'
      this.state = 'closing'
      this.socket.terminate()
    }
  }

  write(data: string | Uint8Array): void {
    if (this.state === 'upgrading' || this.state === 'handshaking') {
      // RFC 3207 §4.2: nothing may be answered between STARTTLS and the handshake; a reply now would
      // answer a command pipelined behind STARTTLS inside the TLS session (CVE-2011-0411 class).
      if (this.droppedWrites++ === 0) this.logger.warn('write dropped during TLS negotiation')
      return
    }
    if (this.state === 'closed') return
    this.out.write(data)
  }

  startTls(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') {
      return Promise.reject(temporaryError('connection is closing', { smtp: [454, '4.7.0'] }))
    }
    if (this.secure || this.state !== 'open') {
      return Promise.reject(userError('TLS is already active', { smtp: [503, '5.5.1'] }))
    }
    const provider = this.context.tlsProvider
    if (!provider) return Promise.reject(temporaryError('TLS not available', { smtp: [454, '4.7.0'] }))
    this.state = 'upgrading'
    return new Promise<void>((resolve, reject) => {
      this.pendingTls = { resolve }
      // The "ready" reply must leave as plaintext before the handshake; the client only sends its
      // ClientHello after reading it, so upgrading from the flush that empties the queue is in time.
      this.out.whenEmpty(() => {
        if (this.state !== 'upgrading') return
        try {
          this.switchToTls(provider)
        } catch (e) {
          // Bun refused the certificate: stay in plaintext so the session can answer 454.
          this.state = 'open'
          this.pendingTls = null
          this.logger.error('STARTTLS failed to start', { error: errorMessage(e) })
          reject(temporaryError('TLS not available', { smtp: [454, '4.7.0'] }, e))
        }
      })
    })
  }

  end(): void {
    if (this.state === 'closing' || this.state === 'closed') return
    this.closeReason ??= this.timingOut ? 'timeout' : 'server'
    this.state = 'closing'
    this.out.end()
  }

  destroy(): void {
    if (this.state === 'closed') return
    this.closeReason ??= this.timingOut ? 'timeout' : 'server'
    this.state = 'closing'
    this.out.clear()
    this.socket.terminate()
    // terminate() on a TLS socket that was already ended does nothing; the TCP half always closes.
    this.rawSocket?.terminate()
  }

  setIdleTimeout(ms: number): void {
    this.idle.setTimeout(ms)
  }

  // ---- events forwarded by socket-handlers.ts ----

  onSocketData(chunk: Uint8Array): void {
    if (this.state === 'closed') return
    this.idle.touch()
    // Plaintext arriving after STARTTLS is dropped unseen; after end() nothing more is processed.
    if (this.state !== 'open' || !this.session) return
    try {
      this.session.onData(chunk)
    } catch (e) {
      this.sessionFailed('onData', e)
    }
  }

  onSocketDrain(): void {
    this.idle.touch() // a client reading a big response is not idle
    this.out.flush()
  }

  /** The peer closed its side (FIN, or TLS close_notify): finish writing what is queued, then close. */
  onPeerEnd(): void {
    if (this.state === 'closing' || this.state === 'closed') return
    this.closeReason ??= 'client'
    this.state = 'closing'
    this.out.end()
  }

  onHandshake(ok: boolean, error: Error | null): void {
    if (this.state === 'closed' || this.state === 'closing') return
    if (!ok) {
      this.logger.info('TLS handshake failed', { error: error?.message })
      this.closeReason ??= 'error'
      this.destroy()
      return
    }
    // ok=true may come with "unable to get issuer certificate": no client certificate was requested.
    this.secure = true
    this.tlsInfo = readTlsInfo(this.socket)
    this.logger.debug('TLS established', { ...this.tlsInfo })
    if (this.state === 'handshaking') {
      this.ready()
      return
    }
    if (this.state === 'upgrading') {
      this.state = 'open'
      const pending = this.pendingTls
      this.pendingTls = null
      try {
        this.session?.onTlsStarted?.()
      } catch (e) {
        this.sessionFailed('onTlsStarted', e)
        return
      }
      pending?.resolve()
    }
  }

  onSocketError(error: Error): void {
    this.closeReason ??= 'error'
    this.logger.debug('socket error', { error: error.message })
  }

  /** Any close event, from either half: the connection is gone. Runs once. */
  onSocketClose(): void {
    if (this.state === 'closed') return
    const reason = this.closeReason ?? 'client'
    this.state = 'closed'
    this.idle.stop()
    this.out.clear()
    this.release()
    this.context.onClosed(this)
    // An interrupted STARTTLS is not rejected: the session learns about it from onClose.
    this.pendingTls = null
    this.logger.info('connection closed', {
      reason,
      secure: this.secure,
      seconds: Math.round(performance.now() - this.openedAt) / 1000,
    })
    // Bun may fire `close` synchronously inside socket.end(), i.e. inside the session's own end()
    // call; tell the session afterwards so it never sees onClose re-entrantly.
    const session = this.session
    queueMicrotask(() => {
      try {
        session?.onClose?.(reason)
      } catch (e) {
        this.logger.error('session onClose failed', { error: e })
      }
    })
  }

  /** The listener is stopping. */
  shutdown(): void {
    if (this.state !== 'open' || !this.session?.onShutdown) return
    try {
      this.session.onShutdown()
    } catch (e) {
      this.sessionFailed('onShutdown', e)
    }
  }

  // ---- internals ----

  private switchToTls(provider: TlsProvider): void {
    const { raw, tls } = upgradeToTls(
      this.socket,
      provider.current(),
      this.context.minTlsVersion,
      this.context.tlsHandlers,
    )
    this.rawSocket = raw
    this.socket = tls
    this.layer = 'tls'
  }

  private ready(): void {
    this.state = 'open'
    if (this.busy) {
      this.logger.info('connection refused: too many connections')
      if (this.context.busyMessage) this.out.write(this.context.busyMessage)
      this.end()
      return
    }
    this.logger.debug('connection opened', { secure: this.secure })
    try {
      this.session = this.context.factory(this)
    } catch (e) {
      this.sessionFailed('factory', e)
    }
  }

  private onIdle(): void {
    if (this.state !== 'open') {
      // Stuck in a handshake, or a peer that stopped reading what end() is still flushing.
      this.closeReason ??= 'timeout'
      this.destroy()
      return
    }
    this.logger.info('idle timeout')
    this.timingOut = true
    try {
      if (this.session?.onIdleTimeout) this.session.onIdleTimeout()
      else this.end()
    } catch (e) {
      this.sessionFailed('onIdleTimeout', e)
    } finally {
      this.timingOut = false
    }
  }

  /** A session threw: that is a bug, not a client error; log it loudly and drop the connection. */
  private sessionFailed(hook: string, e: unknown): void {
    const kind = e instanceof MailError ? e.kind : 'internal'
    this.logger.error(`session ${hook} threw`, { kind, error: e })
    this.closeReason ??= 'error'
    this.destroy()
  }
}

function readTlsInfo(socket: ConnectionSocket): TlsInfo {
  const cipher = socket.getCipher() as { name?: string; standardName?: string } | null
  return { protocol: socket.getTLSVersion() ?? 'unknown', cipher: cipher?.standardName ?? cipher?.name ?? 'unknown' }
}
