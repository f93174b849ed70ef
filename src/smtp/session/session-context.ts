// What a command handler sees of its session (mox/Stalwart style: one file per command, one session
// that owns the connection). Handlers read and change `state`, call the pipeline, and return the reply
// (or throw an SmtpReplyError); only the session writes replies and turns errors into them.
import type { LoginThrottle } from '../../auth/login-throttle.ts'
import type { CredentialVerifier } from '../../auth/sasl-authenticate.ts'
import type { Logger } from '../../core/logger.ts'
import type { Transport } from '../../net/transport.ts'
import type { InboundContext, InboundPipeline } from '../inbound/inbound-types.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import type { SessionState } from './session-state.ts'
import type { SmtpSessionSettings } from './session-settings.ts'
import type { SmtpMetrics } from './smtp-metrics.ts'

/** Everything a listener's sessions share. */
export interface SmtpSessionDeps {
  settings: SmtpSessionSettings
  pipeline: InboundPipeline
  /** storage.accounts in the server. */
  accounts: CredentialVerifier
  /** One per server, shared with the other protocols' logins. */
  throttle: LoginThrottle
  metrics: SmtpMetrics
}

export interface SessionContext {
  readonly transport: Transport
  readonly deps: SmtpSessionDeps
  readonly settings: SmtpSessionSettings
  readonly state: SessionState
  readonly logger: Logger
  /** The connection and transaction as the inbound pipeline sees them. */
  inboundContext(): InboundContext
  /** Queue a reply now (before the handler's own reply, or when a handler needs the order). */
  send(reply: SmtpReply, verb: string | null): void
  /** Write the queued replies (before a TLS upgrade or a close). */
  flush(): void
  /** Drop buffered input (bytes pipelined behind STARTTLS, RFC 3207 §4.2). */
  clearInput(): void
  /** Switch input mode; sets the matching idle timeout (RFC 5321 §4.5.3.2). */
  setMode(mode: SessionState['mode']): void
  /** Write what is queued, then close the connection. */
  close(): void
}

/** A command handler's answer: the reply to send, or null when it has sent what it needed itself. */
export type HandlerResult = SmtpReply | null
