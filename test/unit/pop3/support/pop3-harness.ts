// Drive a Pop3Session over the in-memory transport against real storage in a temp directory:
// `await h.send('STAT')` feeds one line, waits until every complete command has been answered, and
// returns the new output. Passwords are checked by a map (Argon2id costs ~120 ms per check; the
// password check itself has its own tests), accounts and messages are real.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoginThrottle, type LoginThrottle } from '../../../../src/auth/login-throttle.ts'
import type { CredentialVerifier } from '../../../../src/auth/sasl-authenticate.ts'
import { manualClock } from '../../../../src/core/clock.ts'
import { createMemoryConnection, type MemoryTransportOptions } from '../../../../src/net/memory-transport.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import { createMaildropLocks, type MaildropLocks } from '../../../../src/pop3/session/maildrop-locks.ts'
import { createPop3Metrics, type Pop3Metrics } from '../../../../src/pop3/session/pop3-metrics.ts'
import { Pop3Session } from '../../../../src/pop3/session/pop3-session.ts'
import type { Pop3SessionSettings } from '../../../../src/pop3/session/session-settings.ts'
import { createWireSizeCache, type WireSizeCache } from '../../../../src/pop3/session/wire-size-cache.ts'
import { createStorage, type Storage, type SystemFlag } from '../../../../src/storage/index.ts'

export const HOST = 'pop.example.test'
export const ANN = { email: 'ann@example.test', password: 'ann secret' }
export const BOB = { email: 'bob@example.test', password: 'bob secret' }
// One Argon2id hash for every account: `create` with a plain password would hash each time.
const UNUSED_HASH = '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'

export interface Pop3Fixture {
  dir: string
  storage: Storage
  accounts: { ann: number; bob: number }
  /** INBOX id of an account. */
  inbox(accountId: number): Promise<{ id: number; uidValidity: number }>
  /** Append to an account's INBOX (Ann's by default); returns the UID. */
  append(content: string | Uint8Array, options?: { accountId?: number; flags?: SystemFlag[] }): Promise<number>
  /** Shared by every session opened on this fixture, as the server shares them. */
  locks: MaildropLocks
  sizes: WireSizeCache
  registry: MetricsRegistry
  metrics: Pop3Metrics
  throttle: LoginThrottle
  clock: ReturnType<typeof manualClock>
  cleanup(): void
}

export async function pop3Fixture(options: { failuresBeforeThrottle?: number } = {}): Promise<Pop3Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-session-'))
  const storage = await createStorage({ dataDir: dir, hostname: 'test.example' })
  await storage.domains.add('example.test')
  const ann = await storage.accounts.create({ email: ANN.email, passwordHash: UNUSED_HASH })
  const bob = await storage.accounts.create({ email: BOB.email, passwordHash: UNUSED_HASH })
  const registry = new MetricsRegistry()
  const clock = manualClock()
  const inbox = async (accountId: number) => {
    const box = await storage.mailboxes.get(accountId, 'INBOX')
    if (!box) throw new Error('no INBOX')
    return { id: box.id, uidValidity: box.uidValidity }
  }
  return {
    dir,
    storage,
    accounts: { ann: ann.id, bob: bob.id },
    inbox,
    async append(content, appendOptions = {}) {
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
      const result = await storage.messages.append({
        accountId: appendOptions.accountId ?? ann.id,
        mailbox: 'INBOX',
        content: bytes,
        flags: appendOptions.flags,
      })
      return result.uid
    },
    locks: createMaildropLocks(),
    sizes: createWireSizeCache(),
    registry,
    metrics: createPop3Metrics(registry),
    throttle: createLoginThrottle({ clock, failuresBeforeThrottle: options.failuresBeforeThrottle ?? 1000 }),
    clock,
    cleanup() {
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Passwords from a map; the account (id) from storage. */
export function mapVerifier(fixture: Pop3Fixture): CredentialVerifier {
  const passwords: Record<string, string> = { [ANN.email]: ANN.password, [BOB.email]: BOB.password }
  return {
    async verifyCredentials(email, password) {
      const key = email.toLowerCase()
      if (passwords[key] === undefined || passwords[key] !== password) return null
      const account = await fixture.storage.accounts.get(key)
      return account ? { id: account.id, email: account.email } : null
    },
  }
}

export function testSettings(overrides: Partial<Pop3SessionSettings> = {}): Pop3SessionSettings {
  return {
    hostname: HOST,
    allowInsecureAuth: false,
    tlsAvailable: true,
    maxErrors: 10,
    maxLineLength: 512,
    idleTimeoutMs: 600_000,
    ...overrides,
  }
}

export interface SessionOptions {
  settings?: Partial<Pop3SessionSettings>
  /** Default: implicit TLS, so logins are allowed; pass { secure: false } for plaintext tests. */
  transport?: MemoryTransportOptions
  accounts?: CredentialVerifier
}

export type Pop3Harness = ReturnType<typeof openSession>

export function openSession(fixture: Pop3Fixture, options: SessionOptions = {}) {
  const { transport, session } = createMemoryConnection(
    t =>
      new Pop3Session(t, {
        settings: testSettings(options.settings),
        storage: {
          accounts: options.accounts ?? mapVerifier(fixture),
          mailboxes: fixture.storage.mailboxes,
          messages: fixture.storage.messages,
        },
        throttle: fixture.throttle,
        locks: fixture.locks,
        sizes: fixture.sizes,
        metrics: fixture.metrics,
      }),
    { localPort: 995, secure: true, ...options.transport },
  )
  const greeting = transport.takeOutput()
  const settle = async () => {
    // Let queued microtasks (onClose) and timers (simulated TLS handshake) run, then wait for the loop.
    await transport.tick()
    await session.whenIdle()
    await transport.tick()
  }
  return {
    transport,
    session,
    greeting,
    /** Feed raw bytes (no CRLF added) and return the output they produced. */
    async feed(data: string | Uint8Array): Promise<string> {
      transport.feed(data)
      await settle()
      return transport.takeOutput()
    },
    /** One command line; returns its response(s). */
    async send(line: string): Promise<string> {
      transport.feed(`${line}\r\n`)
      await settle()
      return transport.takeOutput()
    },
    /** As send(), returning raw bytes (8-bit message content). */
    async sendBytes(line: string): Promise<Uint8Array> {
      const before = transport.outputBytes().length
      transport.feed(`${line}\r\n`)
      await settle()
      transport.takeOutput()
      return transport.outputBytes().slice(before)
    },
    settle,
  }
}

/** A session logged in as Ann (USER/PASS over the secure memory transport). */
export async function loggedIn(fixture: Pop3Fixture, options: SessionOptions = {}): Promise<Pop3Harness> {
  const h = openSession(fixture, options)
  const user = await h.send(`USER ${ANN.email}`)
  if (!user.startsWith('+OK')) throw new Error(`USER failed: ${user}`)
  const pass = await h.send(`PASS ${ANN.password}`)
  if (!pass.startsWith('+OK')) throw new Error(`PASS failed: ${pass}`)
  return h
}

/** Lines of a multi-line response without the status line and the terminator. */
export function bodyLines(response: string): string[] {
  const lines = response.split('\r\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.at(-1) !== '.') throw new Error(`not a terminated multi-line response: ${JSON.stringify(response)}`)
  return lines.slice(1, -1)
}

export const message = (subject: string, body = 'Hello.\r\n') =>
  `From: Ann <ann@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: ${subject}\r\n` +
  `Message-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\n${body}`
