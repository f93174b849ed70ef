// Builds the per-connection IMAP session for an endpoint (the SessionFactory src/net calls on
// accept; for implicit TLS after the handshake).
import type { LoginThrottle } from '../../auth/login-throttle.ts'
import type { SessionFactory } from '../../net/transport.ts'
import type { Storage } from '../../storage/index.ts'
import { createCommandRegistry } from '../commands/registry.ts'
import type { ImapCommandHandler, ImapSessionDeps } from './command-context.ts'
import type { ImapMetrics } from './imap-metrics.ts'
import { ImapSession } from './imap-session.ts'
import type { RecentTracker } from './recent-tracker.ts'
import type { ImapSessionSettings } from './session-settings.ts'
import { UidSnapshots } from './uid-snapshots.ts'

export interface ImapSessionFactoryOptions {
  settings: ImapSessionSettings
  storage: Storage
  throttle: LoginThrottle
  metrics: ImapMetrics
  /** One per server, shared by both endpoints (recent-tracker.ts). */
  recent: RecentTracker
  /** Defaults to every command in commands/registry.ts. */
  commands?: ReadonlyMap<string, ImapCommandHandler>
  /** One per server, shared by both endpoints (uid-snapshots.ts); a fresh one when absent. */
  uidSnapshots?: UidSnapshots
}

export function createImapSessionFactory(options: ImapSessionFactoryOptions): SessionFactory {
  const deps: ImapSessionDeps = {
    ...options,
    commands: options.commands ?? createCommandRegistry(),
    uidSnapshots: options.uidSnapshots ?? new UidSnapshots(),
  }
  return transport => new ImapSession(transport, deps)
}
