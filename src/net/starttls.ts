// The TLS upgrade of an accepted Bun socket, used for STARTTLS (RFC 3207, RFC 2595, RFC 9051 §6.2.1)
// and for implicit TLS (RFC 8314), where a plain listener upgrades in `open` so every accept reads
// the certificate the provider holds right now (rotation without restarting the listener).
//
// Bun 1.4.5 specifics (shared notes bun-platform §2, oven-sh/bun#26297):
// - upgradeTLS() returns [raw, tls]; neither is the original object, which is dead afterwards.
//   Write to `tls`; the TLS handlers below receive it, and their `open` runs synchronously inside
//   upgradeTLS().
// - The OLD handlers stay bound to `raw` with the old `data`: they receive the ciphertext and a final
//   `close`. They must ignore everything: a reply written to `raw` would be plaintext injected into
//   the TLS stream. SocketHandle.layer lets the shared handlers tell the halves apart.
// - The server role is inferred; do not pass isServer.
import type { Socket, SocketHandler } from 'bun'
import { serverTlsOptions } from './tls-options.ts'
import type { CertificatePair, TlsMinVersion } from './transport.ts'

/** socket.data for every socket of a connection; `layer` says which handler set the socket belongs to. */
export interface SocketHandle<Conn> {
  conn: Conn
  layer: 'plain' | 'tls'
}

/**
 * Start a server-side TLS handshake on `socket`. Returns the TLS socket to write to from now on and the
 * raw TCP half: with allowHalfOpen, tls.end() sends close_notify but leaves TCP open, and terminate()
 * on an ended TLS socket does nothing, so closing must also end/terminate `raw`. The peer's TCP FIN
 * arrives as an `end` event on the raw half's (old) handlers.
 * Callers must have emptied their plaintext write queue and discarded buffered plaintext input
 * (CVE-2011-0411 class) before calling. Throws if Bun rejects the options (bad PEM).
 */
export function upgradeToTls<Conn>(
  socket: Socket<SocketHandle<Conn>>,
  pair: CertificatePair,
  minVersion: TlsMinVersion,
  tlsHandlers: SocketHandler<SocketHandle<Conn>>,
): { raw: Socket<SocketHandle<Conn>>; tls: Socket<SocketHandle<Conn>> } {
  const conn = socket.data.conn
  const [raw, tls] = socket.upgradeTLS<SocketHandle<Conn>>({
    tls: serverTlsOptions(pair, minVersion),
    data: { conn, layer: 'tls' },
    socket: tlsHandlers,
  })
  return { raw, tls }
}
