// Per-endpoint settings of an IMAP session, read once from the config (imap.* keys).
import type { Config } from '../../config/schema.ts'

export interface ImapSessionSettings {
  hostname: string
  /** Listener label for logs and metrics: 'imap' (143, STARTTLS) or 'imaps' (993, implicit TLS). */
  endpoint: string
  /** Offer STARTTLS (the plain endpoint, RFC 9051 §6.2.1). */
  startTls: boolean
  allowInsecureAuth: boolean
  /** Largest literal once logged in (APPEND, RFC 7889 APPENDLIMIT). */
  maxLiteralSize: number
  maxLineLength: number
  /** BAD responses and failed logins before `* BYE` (wildduck imap-command.js, mox server.go). */
  maxErrors: number
  /** Autologout, also while in IDLE (RFC 9051 §5.4: at least 30 minutes; RFC 2177 §3). */
  idleTimeoutMs: number
}

export function imapSessionSettings(config: Config, endpoint: 'imap' | 'imaps'): ImapSessionSettings {
  return {
    hostname: config.hostname,
    endpoint,
    startTls: endpoint === 'imap',
    allowInsecureAuth: config.imap.allowInsecureAuth,
    maxLiteralSize: config.imap.maxLiteralSize,
    maxLineLength: config.imap.maxLineLength,
    maxErrors: config.imap.maxErrors,
    idleTimeoutMs: config.imap.idleTimeoutSeconds * 1000,
  }
}
