// One outbound TCP connection (SMTP to an MX or relay, HTTPS for MTA-STS policies and TLS-RPT):
// Bun.connect with a write queue, line/byte reads with deadlines, and a client-side TLS upgrade
// (RFC 3207 STARTTLS) or implicit TLS (RFC 8314). Protocol code reads and writes through this and
// never touches Bun sockets.
//
// Bun 1.4.5 specifics (shared notes bun-platform §1-2, measured for the client side too):
// - write() may accept part of the data: the rest is queued and flushed on `drain`.
// - upgradeTLS() returns [raw, tls]; the old handlers stay bound to `raw` and see ciphertext, so
//   every event is checked against the layer the connection currently uses.
// - The client verifies the chain and the host name itself: with rejectUnauthorized the handshake
//   fails (the socket closes) and `handshake(socket, ok, error)` carries the reason; without it the
//   error is still reported and the session goes on.
import type { Socket, SocketHandler } from 'bun'
import { LineReader } from '../../net/line-reader.ts'
import { ClientSocketError } from './client-socket-error.ts'
import type { ClientTlsParams, TlsOutcome } from './client-tls.ts'

interface Handle {
  conn: ClientSocket
  layer: 'plain' | 'tls'
}

type Want = { kind: 'line' } | { kind: 'bytes'; n: number } | { kind: 'available' }

interface PendingRead {
  want: Want
  resolve(value: string | Uint8Array | null): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout> | null
}

interface PendingHandshake {
  params: ClientTlsParams
  resolve(outcome: TlsOutcome): void
  reject(error: Error): void
  promise: Promise<TlsOutcome>
}

export interface ConnectOptions {
  /** IP address (or name Bun resolves itself; delivery always passes an address it resolved). */
  host: string
  port: number
  connectTimeoutMs: number
  /** Implicit TLS (RFC 8314): the handshake happens before anything else. */
  tls?: ClientTlsParams
}

const utf8 = new TextDecoder('utf-8')
const encoder = new TextEncoder()

export class ClientSocket {
  /** Which layer currently carries the session: events from the other one are ignored. */
  layer: 'plain' | 'tls' = 'plain'
  private socket: Socket<Handle> | null = null
  private raw: Socket<Handle> | null = null
  private readonly reader = new LineReader({ maxLineLength: 64 * 1024, lineEnding: 'crlf-or-lf' })
  private readonly queue: Uint8Array[] = []
  private pending: PendingRead | null = null
  private handshake: PendingHandshake | null = null
  private closedFlag = false
  private closeError: Error | null = null
  private closeListeners: (() => void)[] = []
  tlsOutcome: TlsOutcome | null = null

  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}

  /** Connect (and for implicit TLS, finish the handshake). Throws ClientSocketError('connect'|'timeout'|'tls'). */
  static async connect(options: ConnectOptions): Promise<ClientSocket> {
    const conn = new ClientSocket(options.host, options.port)
    let timer: ReturnType<typeof setTimeout> | undefined
    let timedOut = false
    const connecting = Bun.connect<Handle>({
      hostname: options.host,
      port: options.port,
      data: { conn, layer: options.tls ? 'tls' : 'plain' },
      socket: options.tls ? tlsHandlers : plainHandlers,
      ...(options.tls ? { tls: bunTlsOptions(options.tls) } : {}),
    })
    if (options.tls) {
      conn.layer = 'tls'
      conn.handshake = pendingHandshake(options.tls)
    }
    const handshakeDone = conn.handshake?.promise
    try {
      const socket = await Promise.race([
        connecting,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true
            reject(new ClientSocketError('timeout', `connect to ${options.host}:${options.port} timed out`))
          }, options.connectTimeoutMs)
        }),
      ])
      conn.socket = socket
    } catch (e) {
      // A connect that completes after the deadline must not leak an open socket.
      if (timedOut) connecting.then(s => s.terminate()).catch(() => {})
      if (e instanceof ClientSocketError) throw e
      throw new ClientSocketError('connect', `connect to ${options.host}:${options.port} failed: ${describe(e)}`)
    } finally {
      clearTimeout(timer)
    }
    if (handshakeDone) await conn.withDeadline(handshakeDone, options.connectTimeoutMs, 'TLS handshake')
    return conn
  }

  get closed(): boolean {
    return this.closedFlag
  }

  get secure(): boolean {
    return this.layer === 'tls' && this.tlsOutcome !== null
  }

  onClose(listener: () => void): void {
    if (this.closedFlag) listener()
    else this.closeListeners.push(listener)
  }

  write(data: string | Uint8Array): void {
    if (this.closedFlag || this.socket === null) return
    const bytes = typeof data === 'string' ? encoder.encode(data) : data
    if (bytes.length === 0) return
    if (this.queue.length > 0) {
      this.queue.push(bytes)
      return
    }
    const n = this.socket.write(bytes)
    if (n >= 0 && n < bytes.length) this.queue.push(bytes.subarray(n))
  }

  /** Bytes written but not yet taken by the socket. */
  get queuedBytes(): number {
    let total = 0
    for (const b of this.queue) total += b.length
    return total
  }

  /** The next line (without CRLF), decoded as UTF-8. Throws ClientSocketError('timeout'|'closed'|'protocol'). */
  async readLine(timeoutMs: number): Promise<string> {
    return (await this.read({ kind: 'line' }, timeoutMs)) as string
  }

  /** Exactly n bytes. */
  async readBytes(n: number, timeoutMs: number): Promise<Uint8Array> {
    return (await this.read({ kind: 'bytes', n }, timeoutMs)) as Uint8Array
  }

  /** Whatever has arrived (at least one byte), or null once the peer closed. */
  async readAvailable(timeoutMs: number): Promise<Uint8Array | null> {
    try {
      return (await this.read({ kind: 'available' }, timeoutMs)) as Uint8Array
    } catch (e) {
      if (e instanceof ClientSocketError && e.kind === 'closed') return null
      throw e
    }
  }

  /**
   * Client side of STARTTLS (RFC 3207 §4.2), after the server's 220. Resolves once the handshake is
   * done; with params.verify an untrusted or mismatched certificate rejects with ClientSocketError('tls')
   * (the connection is closed and nothing more is sent in clear).
   */
  async startTls(params: ClientTlsParams, timeoutMs: number): Promise<TlsOutcome> {
    const socket = this.socket
    if (socket === null || this.closedFlag) throw new ClientSocketError('closed', 'connection closed before STARTTLS')
    if (this.layer === 'tls') throw new ClientSocketError('protocol', 'TLS is already active')
    // RFC 3207 §4.2 / CVE-2011-0411 class: anything the server sent behind its 220 was sent in clear
    // and must not be read as if it came through TLS.
    this.reader.clear()
    this.handshake = pendingHandshake(params)
    const done = this.handshake.promise
    this.layer = 'tls'
    try {
      const [raw, tls] = socket.upgradeTLS<Handle>({
        tls: bunTlsOptions(params),
        data: { conn: this, layer: 'tls' },
        socket: tlsHandlers,
      })
      this.raw = raw
      this.socket = tls
    } catch (e) {
      this.handshake = null
      this.destroy()
      throw new ClientSocketError('tls', `TLS setup failed: ${describe(e)}`)
    }
    return this.withDeadline(done, timeoutMs, 'TLS handshake')
  }

  /** Close after what is queued has been written. */
  close(): void {
    if (this.closedFlag) return
    if (this.queue.length > 0) {
      this.endAfterFlush = true
      return
    }
    this.socket?.end()
    this.raw?.end()
  }

  /** Close now. */
  destroy(): void {
    this.socket?.terminate()
    this.raw?.terminate()
    this.markClosed(null)
  }

  private endAfterFlush = false

  private read(want: Want, timeoutMs: number): Promise<string | Uint8Array | null> {
    if (this.pending) return Promise.reject(new Error('ClientSocket: one read at a time'))
    const ready = this.tryRead(want)
    if (ready !== undefined) return Promise.resolve(ready)
    if (this.closedFlag) return Promise.reject(this.closedError())
    return new Promise((resolve, reject) => {
      const pending: PendingRead = { want, resolve, reject, timer: null }
      pending.timer = setTimeout(() => {
        if (this.pending !== pending) return
        this.pending = null
        reject(new ClientSocketError('timeout', `no answer from ${this.remoteAddress} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending = pending
    })
  }

  /** The value for `want` if the buffer holds it; undefined otherwise. Throws on an over-long line. */
  private tryRead(want: Want): string | Uint8Array | undefined {
    switch (want.kind) {
      case 'line': {
        const bytes = this.reader.lineBytes()
        return bytes === null ? undefined : utf8.decode(bytes)
      }
      case 'bytes':
        return this.reader.take(want.n) ?? undefined
      case 'available':
        return this.reader.takeAvailable(64 * 1024) ?? undefined
    }
  }

  private withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.destroy()
          reject(new ClientSocketError('timeout', `${what} with ${this.remoteAddress} timed out`))
        }, timeoutMs)
      }),
    ]).finally(() => clearTimeout(timer))
  }

  private closedError(): ClientSocketError {
    return new ClientSocketError('closed', `connection to ${this.remoteAddress} closed`, this.closeError ?? undefined)
  }

  // ---- events from the Bun handlers ----

  onSocketData(chunk: Uint8Array): void {
    this.reader.push(chunk)
    const pending = this.pending
    if (pending === null) return
    let value: string | Uint8Array | undefined
    try {
      value = this.tryRead(pending.want)
    } catch (e) {
      this.settle(pending)
      pending.reject(new ClientSocketError('protocol', describe(e)))
      return
    }
    if (value === undefined) return
    this.settle(pending)
    pending.resolve(value)
  }

  onSocketDrain(): void {
    const socket = this.socket
    if (socket === null) return
    while (this.queue.length > 0) {
      const head = this.queue[0] as Uint8Array
      const n = socket.write(head)
      if (n < 0) {
        this.queue.length = 0
        return
      }
      if (n < head.length) {
        this.queue[0] = head.subarray(n)
        return
      }
      this.queue.shift()
    }
    if (this.endAfterFlush) {
      this.endAfterFlush = false
      this.close()
    }
  }

  onHandshake(socket: Socket<Handle>, ok: boolean, error: Error | null): void {
    const pending = this.handshake
    if (pending === null) return
    this.handshake = null
    const code = error ? ((error as Error & { code?: string }).code ?? 'TLS_ERROR') : null
    if (pending.params.verify && (!ok || code !== null)) {
      pending.reject(
        new ClientSocketError(
          'tls',
          `certificate of ${pending.params.serverName} not accepted: ${error?.message ?? 'handshake failed'}`,
          error ?? undefined,
          code ?? 'TLS_ERROR',
        ),
      )
      this.destroy()
      return
    }
    // Without verification the session goes on after a certificate problem: `ok` is true for an
    // untrusted chain but false for a name mismatch, both with a verification code. `ok` false
    // without such a code means the handshake itself failed (e.g. the peer never spoke TLS).
    const verificationCode = (error as (Error & { code?: string }) | null)?.code
    if (!ok && !isVerificationCode(verificationCode)) {
      pending.reject(
        new ClientSocketError('tls', `TLS handshake failed: ${error?.message ?? 'unknown error'}`, error ?? undefined),
      )
      this.destroy()
      return
    }
    const cipher = safe(() => socket.getCipher())
    this.tlsOutcome = {
      protocol: safe(() => socket.getTLSVersion()) ?? 'unknown',
      cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
      verified: code === null,
      verifyError: code,
      verifyMessage: error?.message ?? null,
    }
    pending.resolve(this.tlsOutcome)
  }

  onSocketError(error: Error): void {
    this.closeError = error
  }

  onSocketClose(): void {
    this.markClosed(this.closeError)
  }

  private markClosed(error: Error | null): void {
    if (this.closedFlag) return
    this.closedFlag = true
    this.closeError ??= error
    this.queue.length = 0
    const pending = this.pending
    if (pending) {
      this.settle(pending)
      // A last partial line or body still counts for an 'available' reader.
      const value = pending.want.kind === 'available' ? this.reader.takeAvailable(64 * 1024) : null
      if (value) pending.resolve(value)
      else pending.reject(this.closedError())
    }
    const handshake = this.handshake
    if (handshake) {
      this.handshake = null
      handshake.reject(
        new ClientSocketError(
          'tls',
          `TLS handshake with ${this.remoteAddress} failed (connection closed)`,
          this.closeError ?? undefined,
        ),
      )
    }
    for (const listener of this.closeListeners.splice(0)) listener()
  }

  private settle(pending: PendingRead): void {
    if (pending.timer) clearTimeout(pending.timer)
    this.pending = null
  }
}

function pendingHandshake(params: ClientTlsParams): PendingHandshake {
  let resolve!: (o: TlsOutcome) => void
  let reject!: (e: Error) => void
  const promise = new Promise<TlsOutcome>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Rejections are observed through `promise`; avoid an unhandled rejection when nobody waits yet.
  promise.catch(() => {})
  return { params, resolve, reject, promise }
}

function bunTlsOptions(params: ClientTlsParams): Bun.TLSOptions {
  return {
    serverName: params.serverName,
    rejectUnauthorized: params.verify,
    ...(params.ca && params.ca.length > 0 ? { ca: [...params.ca] } : {}),
  }
}

// OpenSSL X509 verification results as Node/Bun name them (X509_V_ERR_* without the prefix), and
// Node's host name check. Other codes (EPROTO, ERR_SSL_*) are handshake failures.
const VERIFICATION_CODE =
  /^(UNABLE_TO_|CERT_|ERROR_IN_CERT|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)/
const isVerificationCode = (code: string | undefined) => code !== undefined && VERIFICATION_CODE.test(code)

const safe = <T>(f: () => T): T | null => {
  try {
    return f()
  } catch {
    return null
  }
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e))

const owns = (h: Handle | undefined, layer: 'plain' | 'tls'): h is Handle =>
  h !== undefined && h.layer === layer && h.conn.layer === layer

function layerHandlers(layer: 'plain' | 'tls'): SocketHandler<Handle> {
  return {
    data(socket, chunk) {
      if (owns(socket.data, layer)) socket.data.conn.onSocketData(chunk)
    },
    drain(socket) {
      if (owns(socket.data, layer)) socket.data.conn.onSocketDrain()
    },
    handshake(socket, ok, error) {
      if (owns(socket.data, layer)) socket.data.conn.onHandshake(socket, ok, error)
    },
    error(socket, error) {
      if (socket.data) socket.data.conn.onSocketError(error)
    },
    close(socket) {
      // Either half closing ends the connection (the raw half carries the TCP FIN after an upgrade).
      socket.data?.conn.onSocketClose()
    },
    connectError(socket, error) {
      socket.data?.conn.onSocketError(error)
    },
  }
}

const plainHandlers = layerHandlers('plain')
const tlsHandlers = layerHandlers('tls')
