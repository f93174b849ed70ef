// A SessionFactory whose protocol code is imported on the first connection. SMTP, IMAP and POP3
// session code is a third of the server's JavaScript; a server that nobody has connected to yet
// (the idle server issue 3 measures) keeps none of it in memory. The listener is bound at start as
// before, so nothing changes for clients except that the very first connection of a protocol waits
// for one chunk to load (build.ts --splitting) before its greeting.
//
// Until the real session exists, this one buffers what the client sends (a client that pipelines
// before the greeting is already a protocol violation, but its bytes are kept in order) and
// remembers a close or a shutdown.
import type { CloseReason, Session, SessionFactory, Transport } from './transport.ts'

export function lazySessionFactory(load: () => Promise<SessionFactory>): SessionFactory {
  let factory: SessionFactory | null = null
  let loading: Promise<SessionFactory> | null = null
  const loadOnce = () => {
    loading ??= load().then(
      f => {
        factory = f
        return f
      },
      e => {
        loading = null // the next connection tries again
        throw e
      },
    )
    return loading
  }
  return (transport: Transport): Session => {
    if (factory) return factory(transport)
    let real: Session | null = null
    let closed: CloseReason | null = null
    let shuttingDown = false
    const pending: Uint8Array[] = []
    loadOnce().then(
      f => {
        if (closed !== null) return
        real = f(transport)
        for (const chunk of pending) real.onData(chunk)
        pending.length = 0
        if (shuttingDown) real.onShutdown?.()
      },
      e => {
        transport.logger.error('protocol code failed to load', { error: e })
        transport.destroy()
      },
    )
    return {
      // The transport reuses its buffer after onData returns: keep a copy.
      onData: chunk => (real ? real.onData(chunk) : pending.push(chunk.slice())),
      onTlsStarted: () => real?.onTlsStarted?.(),
      onClose: reason => {
        closed = reason
        real?.onClose?.(reason)
      },
      onIdleTimeout: () => (real?.onIdleTimeout ? real.onIdleTimeout() : transport.end()),
      onShutdown: () => {
        if (real) real.onShutdown?.()
        else shuttingDown = true
      },
    }
  }
}
