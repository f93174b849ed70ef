// What the command handlers see of a POP3 session (the session implements it). States carry their
// data (Stalwart crates/pop3/src/lib.rs): the USER name or SASL exchange in AUTHORIZATION, the
// account, its locked maildrop and the snapshot in TRANSACTION (RFC 1939 §3).
import type { LoginThrottle } from '../../auth/login-throttle.ts'
import type { Logger } from '../../core/logger.ts'
import type { Transport } from '../../net/transport.ts'
import type { CredentialVerifier } from '../../auth/sasl-authenticate.ts'
import type { MailboxRepository, MessageRepository } from '../../storage/index.ts'
import type { SaslExchange } from '../protocol/sasl.ts'
import type { Maildrop } from './maildrop.ts'
import type { MaildropLock, MaildropLocks } from './maildrop-locks.ts'
import type { Pop3Metrics } from './pop3-metrics.ts'
import type { MessageSink } from './send-message.ts'
import type { Pop3SessionSettings } from './session-settings.ts'
import type { WireSizeCache } from './wire-size-cache.ts'

export interface Pop3SessionDeps {
  settings: Pop3SessionSettings
  /** The storage operations POP3 uses (Storage satisfies it). */
  storage: Pop3Storage
  /** Shared with SMTP and IMAP (ServerDeps.loginThrottle). */
  throttle: LoginThrottle
  /** Shared by every POP3 session of the server. */
  locks: MaildropLocks
  sizes: WireSizeCache
  metrics: Pop3Metrics
}

export interface Pop3Storage {
  accounts: CredentialVerifier
  mailboxes: Pick<MailboxRepository, 'get'>
  messages: Pick<MessageRepository, 'list' | 'files' | 'open' | 'setFlags' | 'expunge'>
}

export interface Pop3Account {
  readonly id: number
  readonly email: string
}

export type Pop3State =
  | { readonly kind: 'authorization'; user: string | null; sasl: SaslExchange | null }
  | {
      readonly kind: 'transaction'
      readonly account: Pop3Account
      readonly maildrop: Maildrop
      readonly lock: MaildropLock
    }
  /** QUIT in TRANSACTION: deletions are being applied (RFC 1939 §6); input is ignored. */
  | { readonly kind: 'update' }
  /** STLS sent, handshake pending (RFC 2595 §4); input is discarded. */
  | { readonly kind: 'tls' }
  | { readonly kind: 'closed' }

export type TransactionState = Extract<Pop3State, { kind: 'transaction' }>
export type AuthorizationState = Extract<Pop3State, { kind: 'authorization' }>

export interface Pop3SessionContext {
  readonly transport: Transport
  readonly deps: Pop3SessionDeps
  readonly logger: Logger
  state: Pop3State
  /** Where RETR/TOP stream message bytes. */
  readonly sink: MessageSink
  /** Write a formatted response (a +OK/-ERR line, a multi-line response, a SASL challenge). */
  reply(text: string): void
  /** Passwords may be sent on this connection now: TLS is active, or pop3.allowInsecureAuth. */
  loginAllowed(): boolean
  /** Drop input buffered behind the current command (STLS, RFC 2595 §4). */
  clearInput(): void
  /** Stop reading and close once everything written has left. */
  close(): void
}

export const freshAuthorization = (): AuthorizationState => ({ kind: 'authorization', user: null, sasl: null })
