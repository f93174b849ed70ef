// The SessionFactory a listener calls per accepted connection (net/transport.ts).
import type { SessionFactory } from '../../net/transport.ts'
import type { SmtpSessionDeps } from './session-context.ts'
import { SmtpSession } from './smtp-session.ts'

export function createSmtpSessionFactory(deps: SmtpSessionDeps): SessionFactory {
  return transport => new SmtpSession(transport, deps)
}
