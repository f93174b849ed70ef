// The protocol modules `serve` starts. Each protocol issue (SMTP, IMAP, POP3, ManageSieve) adds its
// module here; a module turns the config into endpoints (port + TLS mode + session factory) and
// never touches Bun.listen itself — src/net does.
import { imapModule } from '../imap/imap-module.ts'
import type { SessionFactory } from '../net/transport.ts'
import { pop3Module } from '../pop3/pop3-module.ts'
import { smtpModule } from '../smtp/smtp-module.ts'
import type { ServerDeps } from './server-deps.ts'

export interface ProtocolEndpoint {
  /** Label for logs, metrics and the runtime state file: 'smtp', 'submission', 'imaps', … */
  name: string
  port: number
  tls: 'none' | 'implicit'
  /** Written to a connection refused for being over a limit (protocol-specific wording). */
  busyMessage: string
  factory: SessionFactory
}

export type ProtocolModule = (deps: ServerDeps) => ProtocolEndpoint[]

export const protocolModules: readonly ProtocolModule[] = [smtpModule, pop3Module, imapModule]
