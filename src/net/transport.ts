// The seam between protocol sessions (SMTP, IMAP, POP3, ManageSieve) and the network (STYLE.md "Layers").
// Sessions never touch Bun.listen: they are fed raw bytes and answer through a Transport. The socket
// adapter (listener.ts) and the in-memory transport (memory-transport.ts) both implement it, so every
// session test runs without sockets.
import type { Logger } from '../core/logger.ts'

export interface TlsInfo {
  /** Negotiated protocol, e.g. "TLSv1.3". */
  protocol: string
  /** Negotiated cipher suite, e.g. "TLS_AES_128_GCM_SHA256" (for the Received header, RFC 5321 §4.4). */
  cipher: string
}

export type CloseReason = 'client' | 'timeout' | 'server' | 'error'

export interface Transport {
  /** Connection id (newId('c')); every log line about this connection carries it. */
  readonly id: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localPort: number
  /** True on implicit TLS (RFC 8314) or once a STARTTLS handshake completed. */
  readonly secure: boolean
  readonly tlsInfo?: TlsInfo
  /** Child logger carrying { cid, proto, remote }. */
  readonly logger: Logger
  /** Queued, in order; what the socket did not take is written on `drain`. Dropped once closing. */
  write(data: string | Uint8Array): void
  /**
   * RFC 3207 §4.2 / RFC 2595 §4 / RFC 9051 §6.2.1 STARTTLS. Call it right AFTER writing the "ready"
   * reply; the upgrade starts once that reply has left the write queue. From this call until the
   * handshake completes, plaintext that arrives later is discarded and writes are dropped, so an
   * injected command can never be answered inside the TLS session (CVE-2011-0411 class). The session
   * must also stop parsing and clear what it already buffered behind the command (LineReader.clear()),
   * then reset its state in onTlsStarted. Rejects (reply 454 / NO) when TLS is already active, not
   * configured, or the connection closed; a failed handshake closes the connection ('error').
   */
  startTls(): Promise<void>
  /** Close once everything queued has been written. */
  end(): void
  /** Close now, dropping whatever is still queued. */
  destroy(): void
  /** Change the idle timeout of this connection (e.g. IMAP IDLE, RFC 2177 §3: up to 29 minutes). */
  setIdleTimeout(ms: number): void
  /** Bytes accepted by write() but not yet taken by the socket (backpressure signal for big responses). */
  readonly queuedBytes: number
}

export interface Session {
  /** Raw bytes in arrival order; frame them with LineReader (which copies: don't keep `chunk` itself). */
  onData(chunk: Uint8Array): void
  /** After a STARTTLS handshake: forget everything learnt before it (RFC 3207 §4.2, RFC 9051 §6.2.1). */
  onTlsStarted?(): void
  /** Exactly once, after the connection closed. Writes are no-ops from here on. */
  onClose?(reason: CloseReason): void
  /** The connection was idle too long. Default when absent: end() the connection. */
  onIdleTimeout?(): void
  /** The listener is stopping: finish the current command, say goodbye and end(). Default: nothing. */
  onShutdown?(): void
}

/** Created per connection by a protocol; for implicit TLS only after the handshake succeeded. */
export type SessionFactory = (transport: Transport) => Session

/** PEM certificate chain and private key, as Bun's `tls: { cert, key }` takes them. */
export interface CertificatePair {
  cert: string
  key: string
}

/** Anything that holds the certificate to present right now (security/tls certificate store). */
export interface TlsProvider {
  current(): CertificatePair
}

export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3'
