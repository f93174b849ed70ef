// The connection as the inbound pipeline sees it (inbound-types.ts InboundContext): built fresh for
// every call, so it always reflects TLS, AUTH and HELO as they are now.
import type { Transport } from '../../net/transport.ts'
import type { InboundContext } from '../inbound/inbound-types.ts'
import type { SessionState } from './session-state.ts'
import type { SmtpSessionSettings } from './session-settings.ts'

export function buildInboundContext(
  transport: Transport,
  settings: SmtpSessionSettings,
  state: SessionState,
): InboundContext {
  const tls = transport.secure ? (transport.tlsInfo ?? { protocol: 'unknown', cipher: 'unknown' }) : null
  return {
    cid: transport.id,
    port: settings.port,
    remoteAddress: transport.remoteAddress,
    remotePort: transport.remotePort,
    helo: state.hello?.domain ?? '',
    esmtp: state.hello?.esmtp ?? false,
    tls: tls === null ? null : { protocol: tls.protocol, cipher: tls.cipher },
    auth: state.auth === null ? null : { ...state.auth },
    trap: settings.trap,
  }
}
