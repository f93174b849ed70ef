// Bun handler sets for the two layers of a connection. They only forward events to the connection,
// and drop events from a half the connection no longer uses: after upgradeTLS the plain handlers stay
// bound to the raw socket and see ciphertext (shared notes bun-platform §2). Close events count from
// either half, so a connection is always finalised exactly once.
import type { SocketHandler } from 'bun'
import type { SocketConnection } from './socket-connection.ts'
import type { SocketHandle } from './starttls.ts'

type Handle = SocketHandle<SocketConnection>

export function createLayerHandlers(
  layer: 'plain' | 'tls',
  open?: SocketHandler<Handle>['open'],
): SocketHandler<Handle> {
  const owns = (h: Handle | undefined): h is Handle => h !== undefined && h.conn.layer === layer && h.layer === layer
  return {
    open,
    data(socket, chunk) {
      if (owns(socket.data)) socket.data.conn.onSocketData(chunk)
    },
    drain(socket) {
      if (owns(socket.data)) socket.data.conn.onSocketDrain()
    },
    end(socket) {
      // On the raw half of an upgraded connection, a TCP FIN still means the peer is done.
      if (layer === 'plain' ? socket.data !== undefined : owns(socket.data)) socket.data.conn.onPeerEnd()
    },
    handshake(socket, ok, error) {
      if (owns(socket.data)) socket.data.conn.onHandshake(ok, error)
    },
    error(socket, error) {
      if (owns(socket.data)) socket.data.conn.onSocketError(error)
    },
    close(socket) {
      socket.data?.conn.onSocketClose()
    },
  }
}
