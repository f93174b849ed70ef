// Drive an SmtpSession over the in-memory transport: `await h.send('MAIL FROM:<a@b>')` feeds one
// line, waits until every complete command has been answered, and returns the new output.
import { createLoginThrottle, type LoginThrottle } from '../../../../src/auth/login-throttle.ts'
import type { CredentialVerifier } from '../../../../src/auth/sasl-authenticate.ts'
import { manualClock } from '../../../../src/core/clock.ts'
import { createMemoryConnection, type MemoryTransportOptions } from '../../../../src/net/memory-transport.ts'
import { MetricsRegistry } from '../../../../src/observability/metrics.ts'
import type { InboundPipeline, SmtpPort } from '../../../../src/smtp/inbound/inbound-types.ts'
import type { SmtpSessionSettings } from '../../../../src/smtp/session/session-settings.ts'
import { createSmtpMetrics } from '../../../../src/smtp/session/smtp-metrics.ts'
import { SmtpSession } from '../../../../src/smtp/session/smtp-session.ts'
import { MemoryPipeline } from './memory-pipeline.ts'

export const HOST = 'mx.example.test'

export function testSettings(port: SmtpPort = 'mx', overrides: Partial<SmtpSessionSettings> = {}): SmtpSessionSettings {
  const submission = port !== 'mx'
  return {
    hostname: HOST,
    port,
    maxMessageSize: 10_000,
    maxRecipients: 5,
    maxErrors: 10,
    maxLineLength: 1000,
    maxDataLineLength: 1000,
    bareLineEndings: 'reject',
    commandTimeoutMs: 300_000,
    dataTimeoutMs: 180_000,
    allowInsecureAuth: false,
    trap: false,
    startTls: port !== 'submissions',
    authMechanisms: submission ? ['PLAIN', 'LOGIN'] : [],
    requireAuth: submission,
    ...overrides,
  }
}

/** Credentials in a map, for session tests that are not about storage (auth tests use real storage). */
export function mapVerifier(users: Record<string, string>): CredentialVerifier {
  let id = 0
  const ids = new Map(Object.keys(users).map(email => [email, ++id]))
  return {
    async verifyCredentials(email, password) {
      const key = email.toLowerCase()
      return users[key] !== undefined && users[key] === password ? { id: ids.get(key) ?? 0, email: key } : null
    },
  }
}

export interface HarnessOptions {
  port?: SmtpPort
  settings?: Partial<SmtpSessionSettings>
  transport?: MemoryTransportOptions
  pipeline?: InboundPipeline
  accounts?: CredentialVerifier
  throttle?: LoginThrottle
  metrics?: MetricsRegistry
}

export function openSession(options: HarnessOptions = {}) {
  const port = options.port ?? 'mx'
  const pipeline = options.pipeline ?? new MemoryPipeline()
  const registry = options.metrics ?? new MetricsRegistry()
  const clock = manualClock()
  const throttle = options.throttle ?? createLoginThrottle({ clock, failuresBeforeThrottle: 3 })
  const { transport, session } = createMemoryConnection(
    t =>
      new SmtpSession(t, {
        settings: testSettings(port, options.settings),
        pipeline,
        accounts: options.accounts ?? mapVerifier({ 'ann@example.test': 'secret' }),
        throttle,
        metrics: createSmtpMetrics(registry),
      }),
    {
      localPort: port === 'mx' ? 25 : port === 'submission' ? 587 : 465,
      secure: port === 'submissions',
      ...options.transport,
    },
  )
  const greeting = transport.takeOutput()
  let bytesFed = 0
  let writes = 0
  // Count the session's write() calls (replies are batched per group of pipelined commands).
  const write = transport.write.bind(transport)
  transport.write = data => {
    writes++
    write(data)
  }
  /** Feed raw bytes (one TCP segment), wait for the answers, return the new output. */
  const feed = async (data: string | Uint8Array): Promise<string> => {
    bytesFed += typeof data === 'string' ? Buffer.byteLength(data) : data.length
    transport.feed(data)
    await session.whenIdle()
    // onClose and a simulated handshake run from the event loop.
    await transport.tick()
    await session.whenIdle()
    return transport.takeOutput()
  }
  const send = (line: string) => feed(`${line}\r\n`)
  return {
    transport,
    session,
    pipeline,
    registry,
    clock,
    throttle,
    greeting,
    feed,
    send,
    bytesFed: () => bytesFed,
    writes: () => writes,
  }
}

/** Reply codes of a batch of replies (last line of each multi-line reply). */
export const replyCodes = (output: string): number[] =>
  output
    .split('\r\n')
    .filter(line => /^\d{3} /.test(line))
    .map(line => Number(line.slice(0, 3)))

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
