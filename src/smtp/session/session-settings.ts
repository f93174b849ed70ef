// What one SMTP listener's sessions need to know from the configuration, resolved once per listener
// so a session never reads Config itself (and tests can build settings by hand).
import type { Config } from '../../config/schema.ts'
import type { SmtpPort } from '../inbound/inbound-types.ts'
import type { BareLineEndingPolicy } from '../protocol/data-reader.ts'

export type AuthMechanism = 'PLAIN' | 'LOGIN'

export interface SmtpSessionSettings {
  /** Our host name: greeting, EHLO reply, closing replies (RFC 5321 §4.3.1). */
  hostname: string
  port: SmtpPort
  /** Octets per message (RFC 1870 SIZE). */
  maxMessageSize: number
  maxRecipients: number
  /** Protocol errors (500-504, 530, 535, 538, 555) before 421 and close. */
  maxErrors: number
  /** Longest command line in octets including CRLF (AUTH lines may use RFC 4954's 12288). */
  maxLineLength: number
  /** Longest DATA line including CRLF (RFC 5321 §4.5.3.1.6); Infinity for no limit. */
  maxDataLineLength: number
  bareLineEndings: BareLineEndingPolicy
  /** RFC 5321 §4.5.3.2.7: waiting for a command. */
  commandTimeoutMs: number
  /** RFC 5321 §4.5.3.2.5: waiting for the next block of DATA / BDAT octets. */
  dataTimeoutMs: number
  allowInsecureAuth: boolean
  /** Trap mode: MAIL/RCPT without AUTH on every port; the pipeline files everything in one mailbox. */
  trap: boolean
  /** STARTTLS can be offered: a plaintext listener with a certificate. */
  startTls: boolean
  /** SASL mechanisms offered; empty on the MX port, where clients do not log in. */
  authMechanisms: readonly AuthMechanism[]
  /** RFC 6409 §4.3: submission requires AUTH before MAIL. */
  requireAuth: boolean
}

/** Settings for the listener of `port`; `tls` is that listener's mode. */
export function sessionSettings(config: Config, port: SmtpPort, tls: 'none' | 'implicit'): SmtpSessionSettings {
  const smtp = config.smtp
  const submission = port !== 'mx'
  return {
    hostname: config.hostname,
    port,
    maxMessageSize: smtp.maxMessageSize,
    maxRecipients: smtp.maxRecipients,
    maxErrors: smtp.maxErrors,
    maxLineLength: config.limits.maxLineLength,
    maxDataLineLength: smtp.maxDataLineLength === 0 ? Number.POSITIVE_INFINITY : smtp.maxDataLineLength,
    bareLineEndings: smtp.bareLineEndings,
    commandTimeoutMs: smtp.commandTimeoutSeconds * 1000,
    dataTimeoutMs: smtp.dataTimeoutSeconds * 1000,
    allowInsecureAuth: smtp.allowInsecureAuth,
    trap: smtp.trap,
    startTls: tls === 'none',
    // Port 25 gets password guessing from every botnet; logins belong on the submission ports.
    authMechanisms: submission ? ['PLAIN', 'LOGIN'] : [],
    requireAuth: submission,
  }
}
