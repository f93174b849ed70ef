// The Bun.listen adapter: the only place that accepts sockets (STYLE.md "Layers"). It admits or refuses
// connections (connection-limits.ts), wraps each in a SocketConnection (the Transport its session
// sees), starts implicit TLS by upgrading in `open` so every accept presents the certificate the
// provider holds at that moment, and stops gracefully.
import type { TCPSocketListener } from 'bun'
import { errorMessage, internalError } from '../core/errors.ts'
import { newId } from '../core/ids.ts'
import { type Logger, silentLogger } from '../core/logger.ts'
import { type ConnectionLimiter, type ConnectionLimits, createConnectionLimiter } from './connection-limits.ts'
import { type ConnectionContext, type ConnectionSocket, SocketConnection } from './socket-connection.ts'
import { createLayerHandlers } from './socket-handlers.ts'
import type { SocketHandle } from './starttls.ts'
import type { SessionFactory, TlsMinVersion, TlsProvider } from './transport.ts'

export interface ListenerOptions {
  /** Protocol label for logs: 'smtp', 'submission', 'imaps', ... */
  name: string
  hostname: string
  /** 0 picks a free port (tests); read the result from `port`. */
  port: number
  /** 'implicit': TLS from the first byte (RFC 8314). 'none': plaintext, STARTTLS if tlsProvider is set. */
  tls: 'none' | 'implicit'
  /** Read at every STARTTLS and every implicit-TLS accept, so a renewed certificate applies at once. */
  tlsProvider?: TlsProvider
  minTlsVersion?: TlsMinVersion
  factory: SessionFactory
  /** Shared by all mail listeners so maxConnections is a process-wide total; built from `limits` if absent. */
  limiter?: ConnectionLimiter
  limits?: Partial<ConnectionLimits> & { idleTimeoutMs?: number }
  /** Written to a connection refused for being over a limit, e.g. "421 4.7.0 Too many connections\r\n". */
  busyMessage?: string
  logger?: Logger
}

export interface RunningListener {
  readonly name: string
  readonly hostname: string
  readonly port: number
  /** Connections open on this listener right now. */
  readonly connections: number
  /**
   * Stop accepting, ask sessions to finish (Session.onShutdown), wait up to graceMs for them to close,
   * then close the rest. Resolves when every connection is gone. Calling it again returns the same promise.
   */
  stop(options?: { graceMs?: number }): Promise<void>
}

const DEFAULT_IDLE_MS = 5 * 60_000 // RFC 5321 §4.5.3.2.7
const DEFAULT_LIMITS: ConnectionLimits = { maxConnections: 1000, maxConnectionsPerIp: 20 }
/** After force-closing, how long to wait for Bun's close events before finalising by hand. */
const CLOSE_EVENT_WAIT_MS = 2000

export function startListener(options: ListenerOptions): RunningListener {
  if (options.tls === 'implicit' && !options.tlsProvider) {
    throw internalError(`listener ${options.name}: implicit TLS needs a certificate (tlsProvider)`)
  }
  const logger = (options.logger ?? silentLogger).child({ proto: options.name })
  const limiter = options.limiter ?? createConnectionLimiter({ ...DEFAULT_LIMITS, ...options.limits })
  const connections = new Set<SocketConnection>()
  let closeWaiters: Array<() => void> = []

  const context: ConnectionContext = {
    factory: options.factory,
    tlsProvider: options.tlsProvider,
    minTlsVersion: options.minTlsVersion ?? 'TLSv1.2',
    tlsHandlers: createLayerHandlers('tls'),
    idleTimeoutMs: options.limits?.idleTimeoutMs ?? DEFAULT_IDLE_MS,
    busyMessage: options.busyMessage ?? '',
    onClosed(conn) {
      connections.delete(conn)
      if (connections.size === 0) {
        const waiters = closeWaiters
        closeWaiters = []
        for (const w of waiters) w()
      }
    },
  }

  const accept = (socket: ConnectionSocket) => {
    const release = limiter.tryAcquire(socket.remoteAddress)
    const id = newId('c')
    const conn = new SocketConnection({
      id,
      socket,
      logger: logger.child({ cid: id, remote: `${socket.remoteAddress}:${socket.remotePort}` }),
      context,
      busy: release === null,
      release: release ?? (() => {}),
    })
    socket.data = { conn, layer: 'plain' }
    connections.add(conn)
    if (options.tls === 'implicit') conn.startImplicitTls()
    else conn.startPlain()
  }

  let server: TCPSocketListener<SocketHandle<SocketConnection>>
  try {
    server = Bun.listen<SocketHandle<SocketConnection>>({
      hostname: options.hostname,
      port: options.port,
      // Keep writing after the client's FIN: a client may send QUIT and half-close, and the rest of a
      // big response must still reach it (onPeerEnd ends after the queue is flushed).
      allowHalfOpen: true,
      socket: createLayerHandlers('plain', accept),
    })
  } catch (e) {
    throw internalError(`cannot listen on ${options.hostname}:${options.port} (${options.name}): ${errorMessage(e)}`, e)
  }
  const port = server.port
  logger.info('listening', { hostname: options.hostname, port, tls: options.tls })

  const allClosed = (ms: number) =>
    new Promise<boolean>(resolve => {
      if (connections.size === 0) return resolve(true)
      const timer = setTimeout(() => {
        closeWaiters = closeWaiters.filter(w => w !== done)
        resolve(false)
      }, ms)
      const done = () => {
        clearTimeout(timer)
        resolve(true)
      }
      closeWaiters.push(done)
    })

  let stopping: Promise<void> | null = null
  const stop = async (graceMs: number) => {
    server.stop(false) // stop accepting; open connections stay up
    logger.info('stopping', { connections: connections.size, graceMs })
    for (const conn of [...connections]) conn.shutdown()
    if (await allClosed(graceMs)) return
    logger.warn('closing connections still open after the grace period', { connections: connections.size })
    for (const conn of [...connections]) conn.destroy()
    if (await allClosed(CLOSE_EVENT_WAIT_MS)) return
    for (const conn of [...connections]) conn.onSocketClose()
  }

  return {
    name: options.name,
    hostname: options.hostname,
    port,
    get connections() {
      return connections.size
    },
    stop(stopOptions) {
      stopping ??= stop(stopOptions?.graceMs ?? 0)
      return stopping
    },
  }
}
