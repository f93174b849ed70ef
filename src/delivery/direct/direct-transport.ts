// Direct delivery (issue 7 §2): MX lookup, then our SMTP client to each MX in preference order until
// one answers the transaction. TLS is opportunistic (RFC 7435) unless the recipient domain has an
// MTA-STS policy in enforce mode (RFC 8461 §5), the domain is configured for verified TLS, or the
// message carries REQUIRETLS (RFC 8689): then only a verified certificate for the MX name will do,
// and nothing is sent in clear. Connections are pooled per MX address and TLS level.
import type { Logger } from '../../core/logger.ts'
import { isDnsError } from '../../security/dns/dns-error.ts'
import type { Resolver } from '../../security/dns/resolver.ts'
import type { MtaStsPolicies } from '../mta-sts/mta-sts-policies.ts'
import { type StsPolicy, mxMatchesPolicy } from '../mta-sts/parse-sts-policy.ts'
import { isClientSocketError } from '../smtp-client/client-socket-error.ts'
import { ClientSocket } from '../smtp-client/client-socket.ts'
import { certificateResultType } from '../smtp-client/client-tls.ts'
import { ConnectionPool } from '../smtp-client/connection-pool.ts'
import { unmetRequirement } from '../smtp-client/envelope-requirements.ts'
import { resultsFromReplies, uniformResults } from '../smtp-client/recipient-results.ts'
import { SmtpClient, type SmtpClientOptions, SmtpStepError } from '../smtp-client/smtp-client.ts'
import { enhancedStatusOf, formatReply } from '../smtp-client/smtp-reply.ts'
import type { TrustStore } from '../smtp-client/trust-store.ts'
import type { TlsPolicyRef, TlsResultRecorder } from '../tls-rpt/tls-result-recorder.ts'
import type { OutboundAttempt, OutboundTransport, RecipientResult } from '../transport/outbound-transport.ts'
import { type PreferenceShuffle, resolveHostAddresses, resolveMxHosts } from './resolve-mx-hosts.ts'

export interface DirectTransportOptions {
  resolver: Resolver
  logger: Logger
  heloName: string
  /** Port of remote MX hosts (25). */
  port: number
  connectTimeoutMs: number
  commandTimeoutMs: number
  dataTimeoutMs: number
  pool: { maxPerHost: number; idleTimeoutMs: number; maxMessagesPerConnection: number }
  /** 'verify': every MX must present a valid certificate. */
  tls: 'opportunistic' | 'verify'
  /** Recipient domains that always need a verified certificate. */
  verifyDomains: readonly string[]
  trust: TrustStore
  /** Null: MTA-STS off. */
  mtaSts: MtaStsPolicies | null
  tlsReports: TlsResultRecorder
  shuffle?: PreferenceShuffle
}

/**
 * How a connection to one MX is secured:
 * - verify: STARTTLS required, certificate verified for the MX name (MTA-STS enforce, REQUIRETLS, config);
 * - testing: STARTTLS if offered, verification attempted and reported but not required (MTA-STS testing);
 * - opportunistic: STARTTLS if offered, any certificate;
 * - plain: no STARTTLS (retry after an opportunistic handshake failed, RFC 7435 §4).
 */
type TlsLevel = 'verify' | 'testing' | 'opportunistic' | 'plain'

interface Failure {
  status: 'deferred' | 'failed'
  code: number | null
  enhancedStatus: string
  diagnostic: string
  remoteMta: string | null
}

type HostOutcome = { kind: 'done'; results: RecipientResult[] } | { kind: 'next'; failure: Failure }

/** The TLS requirement was not met: this MX is skipped, nothing is sent in clear. */
class TlsPolicyError extends Error {
  constructor(
    readonly enhancedStatus: string,
    message: string,
  ) {
    super(message)
    this.name = 'TlsPolicyError'
  }
}

/** The opportunistic handshake failed: retry the same address without TLS. */
class HandshakeFallback extends Error {}

export function createDirectTransport(options: DirectTransportOptions): OutboundTransport {
  const logger = options.logger.child({ component: 'direct-transport' })
  const pool = new ConnectionPool<SmtpClient>({
    maxPerKey: options.pool.maxPerHost,
    idleTimeoutMs: options.pool.idleTimeoutMs,
    maxUses: options.pool.maxMessagesPerConnection,
  })
  const verifyDomains = new Set(options.verifyDomains.map(d => d.toLowerCase()))
  const clientOptions: SmtpClientOptions = {
    heloName: options.heloName,
    commandTimeoutMs: options.commandTimeoutMs,
    dataTimeoutMs: options.dataTimeoutMs,
    logger,
  }
  const reports = options.tlsReports

  async function openClient(host: string, ip: string, level: TlsLevel, policy: TlsPolicyRef): Promise<SmtpClient> {
    const socket = await ClientSocket.connect({
      host: ip,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
    })
    const client = await SmtpClient.open(socket, clientOptions)
    if (level === 'plain') return client
    const where = { receivingMxHostname: host, receivingIp: ip }
    if (!client.extensions.has('STARTTLS')) {
      if (level !== 'opportunistic' || policy.policyType === 'sts')
        reports.failure(policy, { ...where, resultType: 'starttls-not-supported' })
      if (level === 'verify') {
        await client.quit()
        throw new TlsPolicyError('4.7.4', `${host} does not offer STARTTLS and the TLS policy requires it`)
      }
      return client
    }
    try {
      const outcome = await client.startTls({ serverName: host, verify: level === 'verify', ca: options.trust.ca })
      if (outcome.verified || level === 'opportunistic') reports.success(policy)
      else
        reports.failure(policy, {
          ...where,
          resultType: certificateResultType(outcome.verifyError),
          failureReasonCode: outcome.verifyError ?? '',
        })
      return client
    } catch (e) {
      if (e instanceof SmtpStepError) {
        // The server refused STARTTLS (454): still in plaintext, still usable unless TLS is required.
        if (level === 'verify') {
          reports.failure(policy, {
            ...where,
            resultType: 'starttls-not-supported',
            failureReasonCode: String(e.reply.code),
          })
          client.abort()
          throw new TlsPolicyError('4.7.4', `${host} refused STARTTLS: ${formatReply(e.reply)}`)
        }
        return client
      }
      if (isClientSocketError(e) && e.kind === 'tls') {
        const resultType = e.tlsCode ? certificateResultType(e.tlsCode) : 'validation-failure'
        reports.failure(policy, { ...where, resultType, failureReasonCode: e.tlsCode ?? '' })
        if (level === 'verify') throw new TlsPolicyError('4.7.5', `TLS with ${host} failed: ${e.message}`)
        throw new HandshakeFallback(e.message)
      }
      throw e
    }
  }

  function failureOf(e: unknown, host: string): Failure {
    if (e instanceof TlsPolicyError)
      return {
        status: 'deferred',
        code: null,
        enhancedStatus: e.enhancedStatus,
        diagnostic: e.message,
        remoteMta: host,
      }
    if (e instanceof SmtpStepError)
      return {
        status: e.reply.code >= 500 ? 'failed' : 'deferred',
        code: e.reply.code,
        enhancedStatus: enhancedStatusOf(e.reply),
        diagnostic: `${host} answered ${e.step}: ${formatReply(e.reply)}`,
        remoteMta: host,
      }
    if (isClientSocketError(e)) {
      // RFC 3463: 4.4.1 no answer from host, 4.4.2 bad connection, 4.7.5 cryptographic failure.
      const enhancedStatus =
        e.kind === 'connect' || e.kind === 'timeout' ? '4.4.1' : e.kind === 'tls' ? '4.7.5' : '4.4.2'
      return { status: 'deferred', code: null, enhancedStatus, diagnostic: `${host}: ${e.message}`, remoteMta: host }
    }
    throw e
  }

  async function tryAddress(
    attempt: OutboundAttempt,
    host: string,
    ip: string,
    level: TlsLevel,
    policy: TlsPolicyRef,
  ): Promise<HostOutcome> {
    const key = `${host}|${ip}|${options.port}|${level}`
    for (let round = 0; round < 2; round++) {
      let lease: Awaited<ReturnType<typeof pool.acquire>>
      try {
        lease = await pool.acquire(key, () => openClient(host, ip, level, policy))
      } catch (e) {
        if (e instanceof HandshakeFallback) return tryAddress(attempt, host, ip, 'plain', policy)
        return { kind: 'next', failure: failureOf(e, host) }
      }
      const client = lease.connection
      const unmet = unmetRequirement({ ...attempt, size: attempt.message.length }, client.extensions, host)
      if (unmet) {
        lease.release(true)
        return {
          kind: 'done',
          results: uniformResults(attempt, 'failed', { code: null, ...unmet, remoteMta: host }),
        }
      }
      try {
        const replies = await client.send(attempt)
        lease.release(client.usable)
        // RFC 5321 §5.1: a temporary failure of MAIL is this host's problem; another MX may do better.
        if (replies.mail.code >= 400 && replies.mail.code < 500)
          return {
            kind: 'next',
            failure: {
              status: 'deferred',
              code: replies.mail.code,
              enhancedStatus: enhancedStatusOf(replies.mail),
              diagnostic: formatReply(replies.mail),
              remoteMta: host,
            },
          }
        return { kind: 'done', results: resultsFromReplies(attempt, replies, host) }
      } catch (e) {
        lease.release(false)
        if (!isClientSocketError(e) && !(e instanceof SmtpStepError)) throw e
        // A pooled connection the server closed while idle: one fresh connection, same host.
        if (lease.reused && !client.dataStarted && round === 0) continue
        const failure = failureOf(e, host)
        // Once data went out the server may have the message: retry later, not at the next MX now.
        if (client.dataStarted) return { kind: 'done', results: uniformResults(attempt, 'deferred', failure) }
        return { kind: 'next', failure }
      }
    }
    throw new Error('unreachable')
  }

  async function deliver(attempt: OutboundAttempt): Promise<RecipientResult[]> {
    const domain = attempt.domain.toLowerCase()
    const mx = await resolveMxHosts(options.resolver, domain, options.shuffle)
    switch (mx.kind) {
      case 'null-mx':
        // RFC 7505 §4.2 / RFC 7504: 556 5.1.10 "recipient address has null MX".
        return uniformResults(attempt, 'failed', {
          code: null,
          enhancedStatus: '5.1.10',
          diagnostic: `${domain} does not accept mail (null MX, RFC 7505)`,
          remoteMta: null,
        })
      case 'no-domain':
        return uniformResults(attempt, 'failed', {
          code: null,
          enhancedStatus: '5.1.2',
          diagnostic: mx.reason,
          remoteMta: null,
        })
      case 'temporary':
        return uniformResults(attempt, 'deferred', {
          code: null,
          enhancedStatus: '4.4.3',
          diagnostic: mx.reason,
          remoteMta: null,
        })
      case 'hosts':
        break
    }

    const sts = options.mtaSts ? await options.mtaSts.lookup(domain) : null
    const policy: StsPolicy | null = sts?.policy && sts.policy.mode !== 'none' ? sts.policy : null
    const policyRef: TlsPolicyRef = policy
      ? { policyDomain: domain, policyType: 'sts', policyString: policy.lines, mxHost: policy.mx }
      : { policyDomain: domain, policyType: 'no-policy-found', policyString: [], mxHost: [] }
    const enforce = policy?.mode === 'enforce'

    // RFC 8689 §4.2.1: REQUIRETLS needs MX names that are validated (DNSSEC, which we do not
    // check, or MTA-STS) and a verified certificate; without a policy the message cannot go.
    if (attempt.requireTls && policy === null)
      return uniformResults(attempt, 'failed', {
        code: null,
        enhancedStatus: '5.7.30',
        diagnostic: `REQUIRETLS: ${domain} has no MTA-STS policy to validate its MX hosts (RFC 8689 §4.2.1)`,
        remoteMta: null,
      })

    let hosts = mx.hosts
    if (policy) {
      const matching = hosts.filter(h => mxMatchesPolicy(h.name, policy))
      for (const h of hosts)
        if (!matching.includes(h))
          options.tlsReports.failure(policyRef, {
            resultType: 'validation-failure',
            receivingMxHostname: h.name,
            failureReasonCode: 'mx-not-in-policy',
          })
      // RFC 8461 §5: in enforce mode, only MX hosts the policy lists are candidates.
      if (enforce || attempt.requireTls) hosts = matching
      if (hosts.length === 0)
        return uniformResults(attempt, 'deferred', {
          code: null,
          enhancedStatus: '4.7.5',
          diagnostic: `no MX host of ${domain} matches its MTA-STS policy (mx: ${policy.mx.join(', ')})`,
          remoteMta: null,
        })
    }

    const verify = enforce || attempt.requireTls || options.tls === 'verify' || verifyDomains.has(domain)
    const level: TlsLevel = verify ? 'verify' : policy?.mode === 'testing' ? 'testing' : 'opportunistic'

    let last: Failure = {
      status: 'deferred',
      code: null,
      enhancedStatus: '4.4.4',
      diagnostic: `no MX host of ${domain} could be reached`,
      remoteMta: null,
    }
    for (const host of hosts) {
      let addresses: string[]
      try {
        addresses = await resolveHostAddresses(options.resolver, host.name)
      } catch (e) {
        if (!isDnsError(e)) throw e
        last = { status: 'deferred', code: null, enhancedStatus: '4.4.3', diagnostic: e.message, remoteMta: host.name }
        continue
      }
      if (addresses.length === 0) {
        // RFC 5321 §5.1: an implicit MX without address records means the domain has no mail host.
        if (mx.implicit)
          return uniformResults(attempt, 'failed', {
            code: null,
            enhancedStatus: '5.1.2',
            diagnostic: `${domain} has neither MX nor address records`,
            remoteMta: null,
          })
        last = {
          status: 'deferred',
          code: null,
          enhancedStatus: '4.4.4',
          diagnostic: `${host.name} has no address`,
          remoteMta: host.name,
        }
        continue
      }
      for (const ip of addresses) {
        const outcome = await tryAddress(attempt, host.name, ip, level, policyRef)
        if (outcome.kind === 'done') return outcome.results
        logger.info('MX host failed, trying the next', {
          queueId: attempt.queueId,
          domain,
          mx: host.name,
          ip,
          reason: outcome.failure.diagnostic,
        })
        last = outcome.failure
      }
    }
    // Every MX failed before the transaction. A permanent refusal (5xx greeting/EHLO/MAIL) from the
    // last host tried stands; anything else is retried later.
    return uniformResults(attempt, last.status, last)
  }

  return {
    name: 'direct',
    deliver,
    close: () => pool.close(),
  }
}
