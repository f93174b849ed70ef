// What a POP3 session needs from the configuration, resolved once per listener.
import type { Config } from '../../config/schema.ts'

export interface Pop3SessionSettings {
  /** Named in the greeting. */
  hostname: string
  /** USER/PASS and AUTH without TLS (pop3.allowInsecureAuth; RFC 2595 §2.1 discourages it). */
  allowInsecureAuth: boolean
  /** STLS is offered: a plaintext listener with a certificate (RFC 2595 §4). */
  tlsAvailable: boolean
  /** Bad commands and failed logins before the connection is closed (pop3.maxErrors). */
  maxErrors: number
  /** Longest command line in bytes including CRLF (limits.maxLineLength). */
  maxLineLength: number
  /** RFC 1939 §3: the autologout timer, at least 10 minutes (pop3.idleTimeoutSeconds). */
  idleTimeoutMs: number
}

export function pop3SessionSettings(config: Config, tls: 'none' | 'implicit'): Pop3SessionSettings {
  return {
    hostname: config.hostname,
    allowInsecureAuth: config.pop3.allowInsecureAuth,
    tlsAvailable: tls === 'none',
    maxErrors: config.pop3.maxErrors,
    maxLineLength: config.limits.maxLineLength,
    idleTimeoutMs: config.pop3.idleTimeoutSeconds * 1000,
  }
}
