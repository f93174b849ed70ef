// Smarthost delivery (issue 7 §3 "Relay"): every message goes to one configured host, secured with
// STARTTLS (RFC 3207) or implicit TLS (RFC 8314, port 465), authenticated with AUTH PLAIN/LOGIN
// (RFC 4954). The relay's certificate is verified against its configured name unless turned off.
// Connections are pooled and reused like direct delivery's.
import type { Logger } from '../../core/logger.ts'
import type { Resolver } from '../../security/dns/resolver.ts'
import { resolveHostAddresses } from '../direct/resolve-mx-hosts.ts'
import { isClientSocketError } from '../smtp-client/client-socket-error.ts'
import { ClientSocket } from '../smtp-client/client-socket.ts'
import { ConnectionPool } from '../smtp-client/connection-pool.ts'
import { unmetRequirement } from '../smtp-client/envelope-requirements.ts'
import { resultsFromReplies, uniformResults } from '../smtp-client/recipient-results.ts'
import { SmtpClient, SmtpStepError } from '../smtp-client/smtp-client.ts'
import { enhancedStatusOf, formatReply } from '../smtp-client/smtp-reply.ts'
import type { TrustStore } from '../smtp-client/trust-store.ts'
import type { OutboundAttempt, OutboundTransport, RecipientResult } from '../transport/outbound-transport.ts'

export interface RelayTransportOptions {
  host: string
  port: number
  tls: 'starttls' | 'implicit' | 'none'
  verifyCertificate: boolean
  /** Empty: no AUTH. */
  username: string
  password: string
  resolver: Resolver
  trust: TrustStore
  logger: Logger
  heloName: string
  connectTimeoutMs: number
  commandTimeoutMs: number
  dataTimeoutMs: number
  pool: { maxPerHost: number; idleTimeoutMs: number; maxMessagesPerConnection: number }
}

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/

export function createRelayTransport(options: RelayTransportOptions): OutboundTransport {
  const logger = options.logger.child({ component: 'relay-transport', relay: options.host })
  const pool = new ConnectionPool<SmtpClient>({
    maxPerKey: options.pool.maxPerHost,
    idleTimeoutMs: options.pool.idleTimeoutMs,
    maxUses: options.pool.maxMessagesPerConnection,
  })
  const clientOptions = {
    heloName: options.heloName,
    commandTimeoutMs: options.commandTimeoutMs,
    dataTimeoutMs: options.dataTimeoutMs,
    logger,
  }
  const tlsParams = { serverName: options.host, verify: options.verifyCertificate, ca: options.trust.ca }

  async function addresses(): Promise<string[]> {
    if (IP.test(options.host)) return [options.host]
    const found = await resolveHostAddresses(options.resolver, options.host)
    if (found.length === 0) throw new Error(`relay host ${options.host} has no address`)
    return found
  }

  async function open(): Promise<SmtpClient> {
    let lastError: unknown = null
    for (const ip of await addresses()) {
      let socket: ClientSocket
      try {
        socket = await ClientSocket.connect({
          host: ip,
          port: options.port,
          connectTimeoutMs: options.connectTimeoutMs,
          ...(options.tls === 'implicit' ? { tls: tlsParams } : {}),
        })
      } catch (e) {
        lastError = e
        continue
      }
      const client = await SmtpClient.open(socket, clientOptions)
      if (options.tls === 'starttls') {
        // RFC 3207 §4: when TLS is required and not offered, do not go on in clear.
        if (!client.extensions.has('STARTTLS')) {
          client.abort()
          throw new SmtpStepError('starttls', {
            code: 454,
            enhanced: '4.7.4',
            lines: [`relay ${options.host} does not offer STARTTLS`],
          })
        }
        await client.startTls(tlsParams)
      }
      if (options.username !== '') {
        try {
          await client.authenticate(options.username, options.password)
        } catch (e) {
          client.abort()
          throw e
        }
      }
      return client
    }
    throw lastError ?? new Error(`relay ${options.host} could not be reached`)
  }

  function failure(attempt: OutboundAttempt, e: unknown): RecipientResult[] {
    const remoteMta = options.host
    if (e instanceof SmtpStepError) {
      // A refused AUTH or TLS is our configuration, not the message: retry later (an operator can
      // fix the credentials) instead of bouncing everything.
      const configProblem = e.step === 'auth' || e.step === 'starttls'
      const status = e.reply.code >= 500 && !configProblem ? 'failed' : 'deferred'
      const enhanced = enhancedStatusOf(e.reply)
      return uniformResults(attempt, status, {
        code: e.reply.code,
        enhancedStatus: status === 'deferred' ? enhanced.replace(/^5/, '4') : enhanced,
        diagnostic: `relay ${options.host} ${e.step}: ${formatReply(e.reply)}`,
        remoteMta,
      })
    }
    if (isClientSocketError(e)) {
      const enhancedStatus =
        e.kind === 'tls' ? '4.7.5' : e.kind === 'connect' || e.kind === 'timeout' ? '4.4.1' : '4.4.2'
      return uniformResults(attempt, 'deferred', { code: null, enhancedStatus, diagnostic: e.message, remoteMta })
    }
    const message = e instanceof Error ? e.message : String(e)
    return uniformResults(attempt, 'deferred', { code: null, enhancedStatus: '4.4.1', diagnostic: message, remoteMta })
  }

  async function deliver(attempt: OutboundAttempt): Promise<RecipientResult[]> {
    for (let round = 0; round < 2; round++) {
      let lease: Awaited<ReturnType<typeof pool.acquire>>
      try {
        lease = await pool.acquire('relay', open)
      } catch (e) {
        logger.warn('relay connection failed', { error: e instanceof Error ? e.message : String(e) })
        return failure(attempt, e)
      }
      const client = lease.connection
      const unmet = unmetRequirement({ ...attempt, size: attempt.message.length }, client.extensions, options.host)
      if (unmet) {
        lease.release(true)
        return uniformResults(attempt, 'failed', { code: null, ...unmet, remoteMta: options.host })
      }
      // RFC 8689 §4.2.1: REQUIRETLS mail only over TLS with a verified certificate.
      if (attempt.requireTls && !client.tls?.verified) {
        lease.release(true)
        return uniformResults(attempt, 'failed', {
          code: null,
          enhancedStatus: '5.7.30',
          diagnostic: `REQUIRETLS: the connection to relay ${options.host} is not TLS with a verified certificate`,
          remoteMta: options.host,
        })
      }
      try {
        const replies = await client.send(attempt)
        lease.release(client.usable)
        return resultsFromReplies(attempt, replies, options.host)
      } catch (e) {
        lease.release(false)
        // A pooled connection the relay closed while idle: once more on a fresh one.
        if (lease.reused && !client.dataStarted && round === 0) continue
        return failure(attempt, e)
      }
    }
    throw new Error('unreachable')
  }

  return { name: 'relay', deliver, close: () => pool.close() }
}
