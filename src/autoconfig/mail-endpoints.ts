// The client-facing servers the autoconfiguration documents announce, from the configuration: the
// public host name and the enabled listener ports, implicit TLS first (RFC 8314 §3: prefer
// implicit TLS over STARTTLS for submission and access). Plaintext-only ports are never offered.
import type { Config } from '../config/schema.ts'

export type MailProtocol = 'imap' | 'pop3' | 'smtp'
/** How the client secures the connection: implicit TLS (RFC 8314) or STARTTLS (RFC 3207/2595/9051). */
export type Security = 'tls' | 'starttls'

export interface MailEndpoint {
  protocol: MailProtocol
  host: string
  port: number
  security: Security
}

export interface MailEndpoints {
  /** Most preferred first: IMAP before POP3, implicit TLS before STARTTLS. */
  incoming: MailEndpoint[]
  outgoing: MailEndpoint[]
}

export function mailEndpoints(config: Config): MailEndpoints {
  const host = config.hostname
  const candidates = (
    protocol: MailProtocol,
    entries: [{ enabled: boolean; port: number }, Security][],
  ): MailEndpoint[] =>
    entries
      .filter(([l]) => l.enabled && l.port > 0)
      .map(([l, security]) => ({ protocol, host, port: l.port, security }))
  return {
    incoming: [
      ...candidates('imap', [
        [config.imap.tls, 'tls'],
        [config.imap.plain, 'starttls'],
      ]),
      ...candidates('pop3', [
        [config.pop3.tls, 'tls'],
        [config.pop3.plain, 'starttls'],
      ]),
    ],
    // Port 25 (MX) is for server-to-server relay, never for clients (RFC 6409 §1).
    outgoing: candidates('smtp', [
      [config.smtp.submissions, 'tls'],
      [config.smtp.submission, 'starttls'],
    ]),
  }
}
