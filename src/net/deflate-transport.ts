// Raw DEFLATE in both directions (RFC 4978 COMPRESS=DEFLATE; RFC 1951, no zlib header): a
// Transport that wraps the connection's own. A session that negotiated compression writes to
// this wrapper and passes what it receives through inflate(); the connection below keeps doing
// the framing-free work (write queue, drain, idle timer, TLS).
//
// RFC 4978 §4: each burst of output ends with a sync flush (Z_SYNC_FLUSH: an empty stored block,
// 00 00 FF FF), so the client can decode every response as soon as it arrives; one write() of the
// session is one burst. Input is inflated with a sync flush per chunk for the same reason.
// Both streams keep their window for the whole connection, as the RFC requires.
import zlib from 'node:zlib'
import type { Logger } from '../core/logger.ts'
import type { TlsInfo, Transport } from './transport.ts'

const encoder = new TextEncoder()

export interface DeflateHandlers {
  /** Inflated bytes from the peer, in order. */
  onData(bytes: Uint8Array): void
  /** The peer's stream is not valid DEFLATE: the connection cannot continue. */
  onError(error: Error): void
}

export class DeflateTransport implements Transport {
  private readonly deflater: zlib.DeflateRaw
  private readonly inflater: zlib.InflateRaw
  private ending = false
  private destroyed = false

  constructor(
    private readonly inner: Transport,
    handlers: DeflateHandlers,
  ) {
    const sync = zlib.constants.Z_SYNC_FLUSH
    // RFC 4978 §4: a 32 KiB window both ways; level 6 (the zlib default) balances CPU and size.
    this.deflater = zlib.createDeflateRaw({ flush: sync, windowBits: 15, level: 6 })
    this.inflater = zlib.createInflateRaw({ flush: sync, windowBits: 15 })
    this.deflater.on('data', (chunk: Uint8Array) => {
      if (!this.destroyed) inner.write(chunk)
    })
    this.deflater.on('end', () => {
      if (!this.destroyed) inner.end()
    })
    this.deflater.on('error', error => {
      inner.logger.error('deflate failed', { error })
      this.destroy()
    })
    this.inflater.on('data', (chunk: Uint8Array) => {
      if (!this.destroyed) handlers.onData(chunk)
    })
    this.inflater.on('error', error => {
      if (this.destroyed) return
      handlers.onError(error)
    })
  }

  get id(): string {
    return this.inner.id
  }
  get remoteAddress(): string {
    return this.inner.remoteAddress
  }
  get remotePort(): number {
    return this.inner.remotePort
  }
  get localPort(): number {
    return this.inner.localPort
  }
  get secure(): boolean {
    return this.inner.secure
  }
  get tlsInfo(): TlsInfo | undefined {
    return this.inner.tlsInfo
  }
  get logger(): Logger {
    return this.inner.logger
  }

  /** Compressed bytes the socket has not taken, plus what is still inside the compressor. */
  get queuedBytes(): number {
    return this.inner.queuedBytes + this.deflater.writableLength + this.deflater.readableLength
  }

  /** Bytes the peer sent, compressed; their inflated form goes to handlers.onData in order. */
  inflate(chunk: Uint8Array): void {
    if (this.destroyed || chunk.length === 0) return
    this.inflater.write(chunk)
  }

  write(data: string | Uint8Array): void {
    if (this.ending || this.destroyed) return
    const bytes = typeof data === 'string' ? encoder.encode(data) : data
    if (bytes.length > 0) this.deflater.write(bytes)
  }

  startTls(): Promise<void> {
    // RFC 4978 §4: TLS is negotiated before compression, never inside it.
    return Promise.reject(new Error('STARTTLS is not possible once compression is active'))
  }

  end(): void {
    if (this.ending || this.destroyed) return
    this.ending = true
    // The final block goes out after everything written; the socket closes after it ('end').
    this.deflater.end()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.deflater.destroy()
    this.inflater.destroy()
    this.inner.destroy()
  }

  setIdleTimeout(ms: number): void {
    this.inner.setIdleTimeout(ms)
  }
}
