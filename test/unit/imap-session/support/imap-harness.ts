// IMAP sessions over the in-memory transport against a real storage (SQLite + Maildir in a temp
// directory) holding one account. `client.send('a1 SELECT INBOX')` feeds one line and returns what
// the session wrote by the time it answered everything received so far.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoginThrottle, type LoginThrottle } from '../../../../src/auth/login-throttle.ts'
import { manualClock } from '../../../../src/core/clock.ts'
import { IMAP_COMMANDS, createCommandRegistry } from '../../../../src/imap/commands/registry.ts'
import type { ImapCommandHandler } from '../../../../src/imap/session/command-context.ts'
import { createImapMetrics, type ImapMetrics } from '../../../../src/imap/session/imap-metrics.ts'
import { ImapSession } from '../../../../src/imap/session/imap-session.ts'
import { createRecentTracker, type RecentTracker } from '../../../../src/imap/session/recent-tracker.ts'
import type { ImapSessionSettings } from '../../../../src/imap/session/session-settings.ts'
import { UidSnapshots } from '../../../../src/imap/session/uid-snapshots.ts'
import { MemoryTransport, type MemoryTransportOptions } from '../../../../src/net/memory-transport.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { createStorage, INBOX, type Storage } from '../../../../src/storage/index.ts'

export const ANN = { email: 'ann@example.test', password: 'correct horse battery staple' }
export const BOB = { email: 'bob@example.test', password: 'bob password 1' }

export const TEST_SETTINGS: ImapSessionSettings = {
  hostname: 'imap.example.test',
  endpoint: 'imap',
  startTls: true,
  allowInsecureAuth: false,
  maxLiteralSize: 64 * 1024,
  maxLineLength: 64 * 1024,
  maxErrors: 10,
  idleTimeoutMs: 30 * 60_000,
}

export interface ImapFixture {
  storage: Storage
  dir: string
  annId: number
  bobId: number
  registry: MetricsRegistry
  metrics: ImapMetrics
  throttle: LoginThrottle
  recent: RecentTracker
  clock: ReturnType<typeof manualClock>
  connect(options?: ConnectOptions): ImapTestClient
  /** A logged-in client (over a "TLS" memory transport). */
  login(user?: { email: string; password: string }, options?: ConnectOptions): Promise<ImapTestClient>
  /** Store a message through storage, as a delivery or another protocol would. */
  deliver(
    mailbox?: string,
    options?: { flags?: Array<'\\Seen' | '\\Deleted' | '\\Flagged'>; accountId?: number },
  ): Promise<number>
  cleanup(): void
}

export interface ConnectOptions {
  transport?: MemoryTransportOptions
  settings?: Partial<ImapSessionSettings>
  /** Extra or replacement commands (tests of the dispatch, e.g. a stand-in FETCH). */
  commands?: readonly ImapCommandHandler[]
  /** Commands to leave out of the registry (a command the parser knows but nobody handles). */
  omit?: readonly string[]
}

let counter = 0

export function sampleMessage(subject = 'Hello', body = 'Hi there.\r\n'): string {
  counter++
  return (
    `From: Bob <bob@example.test>\r\nTo: Ann <ann@example.test>\r\nSubject: ${subject}\r\n` +
    `Date: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <m${counter}@example.test>\r\n\r\n${body}`
  )
}

export async function imapFixture(): Promise<ImapFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'imap-session-'))
  const storage = await createStorage({ dataDir: dir, hostname: 'test.example' })
  await storage.domains.add('example.test')
  const ann = await storage.accounts.create({ email: ANN.email, password: ANN.password })
  const bob = await storage.accounts.create({ email: BOB.email, password: BOB.password })
  const registry = new MetricsRegistry()
  const metrics = createImapMetrics(registry)
  const clock = manualClock()
  const throttle = createLoginThrottle({ clock, failuresBeforeThrottle: 1000 })
  const recent = createRecentTracker()
  const uidSnapshots = new UidSnapshots()
  const fixture: ImapFixture = {
    storage,
    dir,
    annId: ann.id,
    bobId: bob.id,
    registry,
    metrics,
    throttle,
    recent,
    clock,
    connect(options = {}) {
      const commands = createCommandRegistry([
        ...IMAP_COMMANDS.filter(
          c => !options.commands?.some(o => o.name === c.name) && !options.omit?.includes(c.name),
        ),
        ...(options.commands ?? []),
      ])
      const transport = new MemoryTransport({ localPort: 143, ...options.transport })
      const session = transport.attach(
        t =>
          new ImapSession(t, {
            settings: { ...TEST_SETTINGS, ...options.settings },
            storage,
            throttle,
            metrics,
            recent,
            commands,
            uidSnapshots,
          }),
      )
      return new ImapTestClient(transport, session)
    },
    async login(user = ANN, options = {}) {
      const client = fixture.connect({ ...options, transport: { secure: true, ...options.transport } })
      client.take()
      const reply = await client.send(`l1 LOGIN ${user.email} "${user.password}"`)
      if (!reply.includes('l1 OK')) throw new Error(`login failed: ${reply}`)
      return client
    },
    async deliver(mailbox = INBOX, options = {}) {
      const result = await storage.messages.append({
        accountId: options.accountId ?? ann.id,
        mailbox,
        content: new TextEncoder().encode(sampleMessage()),
        flags: options.flags ?? [],
      })
      return result.uid
    },
    cleanup() {
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return fixture
}

export class ImapTestClient {
  constructor(
    readonly transport: MemoryTransport,
    readonly session: ImapSession,
  ) {}

  /** Output not yet taken. */
  take(): string {
    return this.transport.takeOutput()
  }

  /** Feed raw bytes (no CRLF added) and wait until the session answered all it can. */
  async feed(data: string | Uint8Array): Promise<string> {
    this.transport.feed(data)
    await this.settle()
    return this.take()
  }

  /** One line (CRLF added). */
  send(line: string): Promise<string> {
    return this.feed(`${line}\r\n`)
  }

  /** Let the session finish what it is doing (commands, pushes during IDLE, closing). */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.session.whenIdle()
      await this.transport.tick()
    }
  }

  /** Settle until `pattern` shows up in the output (bounded; never a timer-based assertion). */
  async waitFor(pattern: RegExp): Promise<string> {
    let seen = ''
    for (let i = 0; i < 200; i++) {
      seen += this.take()
      if (pattern.test(seen)) return seen
      await this.settle()
    }
    throw new Error(`never saw ${pattern}; got:\n${seen}`)
  }

  get closed(): boolean {
    return this.transport.closed
  }
}

/** The lines of a response, without the trailing empty one. */
export const lines = (text: string) => text.split('\r\n').filter(l => l !== '')
