// The inbound pipeline (issue 4 §4): policy and durable delivery behind the SMTP session.
//
//   MAIL  sender policy for authenticated users (553 5.7.1), DNSBL for anonymous clients (554 5.7.1)
//   RCPT  recipient routing (route-recipient.ts: 550 5.1.1 / 550 5.2.1 / 554 5.7.1), quota (552 5.2.2)
//   DATA  SPF/DKIM/DMARC/ARC for anonymous clients → Authentication-Results; DMARC p=reject → 550;
//         Return-Path + Received; then one durable step for local copies and the outbound queue
//         (deliver-durably.ts) and only then 250.
//
// Authenticated submissions skip verification (the mail is ours; DKIM signing belongs to delivery),
// and so do trap mode (a development catch-all, often offline) and loopback clients: local programs
// (cron, web apps) hand mail to 127.0.0.1 under any sender domain, where SPF can only fail and a
// DMARC p=reject would bounce legitimate local mail. A proxy on the same host would make every
// client look local — do not put one in front of the MX port.
import type { ServerDeps } from '../../core/server-deps.ts'
import { errorMessage } from '../../core/errors.ts'
import { checkDnsbl } from '../../antispam/dnsbl.ts'
import { createOutboundQueue, type OutboundQueue, type QueuedRecipient } from '../../delivery/queue/outbound-queue.ts'
import { looksLikeDsn } from '../../delivery/dsn/parse-dsn.ts'
import { recordInboundDsn } from '../../delivery/dsn/record-inbound-dsn.ts'
import { claimsAuthservId } from '../../security/mailauth/authentication-results.ts'
import { type MessageVerification, verifyMessage } from '../../security/mailauth/verify-message.ts'
import { type DeliveryTarget, INBOX } from '../../storage/index.ts'
import { encodeUtf8AddrXtext, encodeXtext } from '../protocol/xtext.ts'
import { standardReply } from '../protocol/reply.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import { isLoopback, normalizeClientIp } from './client-address.ts'
import { deliverDurably } from './deliver-durably.ts'
import { dmarcDisposition } from './dmarc-disposition.ts'
import { fieldValue, splitHeaderFields, withoutFields } from './header-fields.ts'
import type {
  AcceptedRecipient,
  DeliveryResult,
  InboundContext,
  InboundPipeline,
  InboundVerdict,
  MailFromInput,
  RcptToInput,
} from './inbound-types.ts'
import { createInboundMetrics } from './inbound-metrics.ts'
import { contentOf } from './message-content.ts'
import { receivedHeader, returnPathHeader, withProtocol } from './received-header.ts'
import { isRecipientRoute, type RecipientRoute } from './recipient-route.ts'
import { lookupClientName } from './reverse-dns.ts'
import { createRecipientRouter, type RejectReason } from './route-recipient.ts'
import { maySendAs } from './sender-policy.ts'
import { createTrapMailbox } from './trap-mailbox.ts'

export interface InboundPipelineOptions {
  /** Where remote recipients go; defaults to the SQLite outbound queue in `deps.storage`. */
  queue?: OutboundQueue
  /** Sender authentication; defaults to mailauth through `deps.resolver` (tests may replace it). */
  verify?: typeof verifyMessage
}

const encoder = new TextEncoder()

export function createInboundPipeline(deps: ServerDeps, options: InboundPipelineOptions = {}): InboundPipeline {
  const { config, storage, resolver, clock } = deps
  const logger = deps.logger.child({ component: 'smtp-inbound' })
  const policy = config.smtp.inbound
  const queue = options.queue ?? deps.queue ?? createOutboundQueue({ storage, clock, logger })
  const verify = options.verify ?? verifyMessage
  const trap = createTrapMailbox({ storage, config, logger })
  const route = createRecipientRouter({ storage, hostname: config.hostname, trap })
  const metrics = createInboundMetrics(deps.metrics)

  const refuse = (ctx: InboundContext, reply: SmtpReply, reason: RejectReason) => {
    metrics.rejections.inc({ port: ctx.port, reason })
    return { ok: false as const, reply }
  }
  const temporary = (ctx: InboundContext, what: string, e: unknown) => {
    logger.error(`${what} failed`, { cid: ctx.cid, error: errorMessage(e) })
    return refuse(ctx, standardReply('tempFailure'), 'temporary')
  }

  /** RCPT-time quota check for a single-mailbox recipient (multi-target routes are checked at DATA). */
  const overQuota = async (routeToCheck: RecipientRoute, size: number): Promise<boolean> => {
    const only = routeToCheck.local[0]
    if (routeToCheck.local.length !== 1 || routeToCheck.remote.length > 0 || only === undefined) return false
    // Most accounts have no quota; the resolver already read it with the account.
    if (only.quotaBytes === null) return false
    const account = await storage.accounts.get(only.accountId)
    if (!account || account.quotaBytes === null) return false
    const usage = await storage.accounts.usage(only.accountId)
    return usage.bytes + size > account.quotaBytes || usage.bytes >= account.quotaBytes
  }

  const junkMailbox = async (accountId: number): Promise<string> => {
    const boxes = await storage.mailboxes.list(accountId)
    return boxes.find(b => b.specialUse === '\\Junk')?.name ?? INBOX
  }

  const recordVerdicts = (v: MessageVerification) => {
    metrics.authResults.inc({ method: 'spf', result: v.spf.result })
    for (const d of v.dkim) metrics.authResults.inc({ method: 'dkim', result: d.result })
    metrics.authResults.inc({ method: 'dmarc', result: v.dmarc?.result ?? 'none' })
    metrics.authResults.inc({ method: 'arc', result: v.arc.result })
  }

  return {
    async mailFrom(ctx: InboundContext, from: MailFromInput): Promise<InboundVerdict> {
      try {
        if (ctx.auth && !ctx.trap && policy.senderPolicy === 'own-addresses') {
          if (!(await maySendAs(storage, ctx.auth.accountId, from.address))) {
            return refuse(
              ctx,
              standardReply('senderNotAllowed', `Sender <${from.address}> is not an address of ${ctx.auth.email}`),
              'sender_not_allowed',
            )
          }
        }
        const ip = normalizeClientIp(ctx.remoteAddress)
        if (!ctx.auth && !ctx.trap && !isLoopback(ip) && policy.dnsblZones.length > 0) {
          const listing = await checkDnsbl(ip, { zones: policy.dnsblZones, resolver, logger })
          if (listing) {
            logger.info('client listed in a DNSBL', { cid: ctx.cid, ip, zone: listing.zone })
            return refuse(
              ctx,
              standardReply('clientBlocked', `Client host [${ip}] blocked using ${listing.zone}`),
              'dnsbl',
            )
          }
        }
        return { ok: true, reply: standardReply('senderOk') }
      } catch (e) {
        return temporary(ctx, 'MAIL FROM policy', e)
      }
    },

    async rcptTo(ctx, from, rcpt: RcptToInput, _acceptedSoFar: readonly AcceptedRecipient[]) {
      try {
        const decision = await route(ctx, rcpt.address)
        if (!decision.ok) return refuse(ctx, decision.reply, decision.reason)
        if (await overQuota(decision.route, from.size ?? 0)) {
          return refuse(ctx, standardReply('quotaExceeded', `Mailbox full: ${rcpt.address}`), 'over_quota')
        }
        return {
          ok: true as const,
          reply: standardReply('recipientOk'),
          recipient: { input: rcpt, route: decision.route },
        }
      } catch (e) {
        return temporary(ctx, 'RCPT TO routing', e)
      }
    },

    async deliver(ctx, from, recipients, message): Promise<DeliveryResult> {
      const everyone = (reply: SmtpReply): DeliveryResult => ({ reply, perRecipient: recipients.map(() => reply) })
      const log = logger.child({ cid: ctx.cid })
      const routes = recipients.map(r => r.route)
      if (recipients.length === 0 || !routes.every(isRecipientRoute)) {
        log.error('deliver() called without recipients accepted by this pipeline')
        return everyone(standardReply('noValidRecipients'))
      }
      const ip = normalizeClientIp(ctx.remoteAddress)

      // 1. Sender authentication, on the bytes exactly as received.
      let verification: MessageVerification | null = null
      if (!ctx.auth && !ctx.trap && !isLoopback(ip)) {
        try {
          verification = await verify(message, {
            ip,
            helo: ctx.helo,
            sender: from.address,
            authservId: config.hostname,
            resolver,
          })
          recordVerdicts(verification)
        } catch (e) {
          // Verification is advisory; a crash in it must not lose or bounce mail.
          log.warn('sender authentication failed to run; accepting without Authentication-Results', {
            error: errorMessage(e),
          })
        }
      }
      const disposition = dmarcDisposition(verification, policy.dmarcReject)
      if (disposition.action === 'reject') {
        log.info('message refused', { reason: disposition.why })
        metrics.delivered.inc({ result: 'rejected' })
        refuse(ctx, disposition.reply, 'dmarc')
        return everyone(disposition.reply)
      }
      const quarantine = disposition.action === 'quarantine'

      // 2. Trace fields. RFC 8601 §5: drop incoming Authentication-Results claiming our authserv-id;
      // incoming Return-Path fields go too (RFC 5321 §4.4: only final delivery adds one).
      const section = splitHeaderFields(message)
      const kept = withoutFields(
        message,
        section,
        f =>
          f.name === 'return-path' ||
          (f.name === 'authentication-results' && claimsAuthservId(fieldValue(message, f), config.hostname)),
      )
      const received = receivedHeader({
        helo: ctx.helo,
        ip,
        clientName: ctx.trap ? null : await lookupClientName(ip, resolver),
        hostname: config.hostname,
        protocol: withProtocol({
          esmtp: ctx.esmtp,
          tls: ctx.tls !== null,
          authenticated: ctx.auth !== null,
          smtputf8: from.smtputf8,
        }),
        id: ctx.cid,
        tls: ctx.tls,
        recipient: recipients.length === 1 ? (recipients[0]?.input.address ?? null) : null,
        date: clock.date(),
      })
      // RFC 8601 §5: Authentication-Results above the trace fields this MTA adds; Return-Path on top.
      const trace = [...(verification ? [verification.header] : []), received].map(h => encoder.encode(h))
      const localParts = [encoder.encode(returnPathHeader(from.address)), ...trace, ...kept]
      const remoteParts = [...trace, ...kept]

      // 3. Who gets what: one copy per local account, one queue entry for all remote addresses.
      const targets: DeliveryTarget[] = []
      const remote: QueuedRecipient[] = []
      const seenAccounts = new Set<number>()
      const seenRemote = new Set<string>()
      try {
        for (const [i, r] of (routes as RecipientRoute[]).entries()) {
          const input = recipients[i]?.input
          for (const local of r.local) {
            if (seenAccounts.has(local.accountId)) continue
            seenAccounts.add(local.accountId)
            targets.push(
              quarantine
                ? { accountId: local.accountId, mailbox: await junkMailbox(local.accountId), keywords: ['$Junk'] }
                : { accountId: local.accountId },
            )
          }
          for (const address of r.remote) {
            const key = address.toLowerCase()
            if (seenRemote.has(key)) continue
            seenRemote.add(key)
            remote.push({
              address,
              notify: input?.notify ?? null,
              // RFC 3461 §4.2: keep ORCPT; after alias expansion, record the address the client used.
              orcpt: input?.orcpt ?? (address === r.address ? null : originalRecipient(r.address)),
            })
          }
        }
      } catch (e) {
        const reply = temporary(ctx, 'delivery planning', e).reply
        metrics.delivered.inc({ result: 'deferred' })
        return everyone(reply)
      }

      // 4. The durable step; only its success answers 250.
      const result = await deliverDurably(
        { storage, queue, logger: log },
        {
          targets,
          // Assembled only for a side that gets a copy: each is a copy of the whole message.
          localContent: targets.length > 0 ? contentOf(localParts) : NO_CONTENT,
          remote,
          remoteContent: remote.length > 0 ? contentOf(remoteParts) : NO_CONTENT,
          envelope: {
            sender: from.address,
            ret: from.ret,
            envid: from.envid,
            bodyType: from.body,
            smtputf8: from.smtputf8,
            requireTls: from.requireTls,
            accountId: ctx.auth?.accountId ?? null,
          },
          internalDate: clock.now(),
        },
      )
      if (!result.ok) {
        log.warn('message not stored; client must retry', { reason: result.reason, error: errorMessage(result.error) })
        metrics.delivered.inc({ result: result.reply.code >= 500 ? 'rejected' : 'deferred' })
        refuse(ctx, result.reply, result.reason)
        return everyone(result.reply)
      }
      metrics.delivered.inc({ result: quarantine ? 'quarantined' : 'delivered' })
      log.info('message accepted', {
        from: from.address,
        size: message.length,
        local: targets.length,
        remote: remote.length,
        queueId: result.queueId,
        spf: verification?.spf.result,
        dkim: verification?.dkim.map(d => d.result).join(','),
        dmarc: verification?.dmarc?.result,
        junk: quarantine || undefined,
      })
      // Issue 7 §5: a DSN another MTA sent about one of our messages is recorded against its queue entry.
      if (from.address === '' && targets.length > 0 && looksLikeDsn(message))
        void recordInboundDsn({ queue, clock, logger: log }, message)
      const id = result.queueId ?? ctx.cid
      return everyone(standardReply('messageAccepted', `Message accepted as ${id}`))
    },
  }
}

const NO_CONTENT = new Uint8Array(0)

/** ORCPT for an address the client did not use directly (RFC 3461 §4.2; RFC 6533 §3 for UTF-8). */
function originalRecipient(address: string): { addrType: string; value: string } {
  return /[^\x00-\x7f]/.test(address)
    ? { addrType: 'utf-8', value: encodeUtf8AddrXtext(address) }
    : { addrType: 'rfc822', value: encodeXtext(address) }
}
