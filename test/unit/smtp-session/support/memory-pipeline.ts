// An in-memory InboundPipeline for session and interop tests, so they do not depend on the real
// pipeline (src/smtp/inbound): local domains with a set of users, relaying only for authenticated
// clients, trap mode accepts everything, and every call and delivered message is recorded.
import type {
  AcceptedRecipient,
  DeliveryResult,
  InboundContext,
  InboundPipeline,
  InboundVerdict,
  MailFromInput,
  RcptToInput,
} from '../../../../src/smtp/inbound/inbound-types.ts'
import { standardReply, type SmtpReply } from '../../../../src/smtp/protocol/reply.ts'

export interface Delivery {
  ctx: InboundContext
  from: MailFromInput
  recipients: string[]
  message: Uint8Array
}

export interface MemoryPipelineOptions {
  /** Domains this "server" receives mail for. */
  localDomains?: string[]
  /** Known local users (full addresses, lower case); others in a local domain are 550 5.1.1. */
  users?: string[]
  /** Senders refused at MAIL. */
  blockedSenders?: string[]
  /** Yield to the event loop (a macrotask) before answering, like a real DNS or database lookup. */
  slow?: boolean
  /** Reply for deliver(), default 250 2.0.0. */
  deliverReply?: SmtpReply
}

export class MemoryPipeline implements InboundPipeline {
  readonly deliveries: Delivery[] = []
  readonly calls: string[] = []
  readonly contexts: InboundContext[] = []
  private readonly localDomains: Set<string>
  private readonly users: Set<string>
  private readonly blocked: Set<string>

  constructor(private readonly options: MemoryPipelineOptions = {}) {
    this.localDomains = new Set((options.localDomains ?? ['example.test']).map(d => d.toLowerCase()))
    this.users = new Set((options.users ?? ['bob@example.test', 'carol@example.test']).map(u => u.toLowerCase()))
    this.blocked = new Set(options.blockedSenders ?? [])
  }

  async mailFrom(ctx: InboundContext, from: MailFromInput): Promise<InboundVerdict> {
    await this.pause()
    this.calls.push(`MAIL ${from.address}`)
    this.contexts.push(ctx)
    if (this.blocked.has(from.address)) return { ok: false, reply: standardReply('policyRejected', 'Sender refused') }
    return { ok: true, reply: standardReply('senderOk') }
  }

  async rcptTo(
    ctx: InboundContext,
    _from: MailFromInput,
    rcpt: RcptToInput,
    _acceptedSoFar: readonly AcceptedRecipient[],
  ): Promise<(InboundVerdict & { ok: false }) | { ok: true; reply: SmtpReply; recipient: AcceptedRecipient }> {
    await this.pause()
    this.calls.push(`RCPT ${rcpt.address}`)
    this.contexts.push(ctx)
    const accept = () => ({
      ok: true as const,
      reply: standardReply('recipientOk'),
      recipient: { input: rcpt, route: rcpt.address },
    })
    const address = rcpt.address.toLowerCase()
    if (ctx.trap || address.startsWith('postmaster@')) return accept()
    const domain = address.slice(address.lastIndexOf('@') + 1)
    if (this.localDomains.has(domain)) {
      return this.users.has(address) ? accept() : { ok: false, reply: standardReply('mailboxUnknown') }
    }
    if (ctx.auth !== null) return accept()
    return { ok: false, reply: standardReply('relayDenied') }
  }

  async deliver(
    ctx: InboundContext,
    from: MailFromInput,
    recipients: readonly AcceptedRecipient[],
    message: Uint8Array,
  ): Promise<DeliveryResult> {
    await this.pause()
    this.calls.push(`DELIVER ${message.length}`)
    this.contexts.push(ctx)
    this.deliveries.push({ ctx, from, recipients: recipients.map(r => r.input.address), message: message.slice() })
    const reply = this.options.deliverReply ?? standardReply('messageAccepted', `Queued as m${this.deliveries.length}`)
    return { reply, perRecipient: recipients.map(() => reply) }
  }

  /** The last delivered message as text. */
  lastMessage(): string {
    const last = this.deliveries[this.deliveries.length - 1]
    if (!last) throw new Error('nothing delivered')
    return new TextDecoder().decode(last.message)
  }

  private pause(): Promise<void> {
    return this.options.slow ? new Promise(resolve => setTimeout(resolve, 0)) : Promise.resolve()
  }
}
