// The seam between the SMTP session (state machine, src/smtp/session) and the inbound pipeline
// (policy + durable delivery, src/smtp/inbound). The session knows the protocol; the pipeline knows
// recipients, authentication results, spam checks and storage. Neither imports the other's internals.
import type { SmtpReply } from '../protocol/reply.ts'

/** Which listener the transaction arrived on (RFC 6409: submission requires AUTH; MX does not). */
export type SmtpPort = 'mx' | 'submission' | 'submissions'

/** What the pipeline needs to know about the connection and the transaction so far. */
export interface InboundContext {
  /** Connection id, for logs and the Received header's id. */
  cid: string
  port: SmtpPort
  remoteAddress: string
  remotePort: number
  /** HELO/EHLO argument as given. */
  helo: string
  /** The client said EHLO (ESMTP), used in the Received header's `with` clause (RFC 3848). */
  esmtp: boolean
  /** TLS in use (implicit or STARTTLS), with protocol/cipher for the Received header. */
  tls: { protocol: string; cipher: string } | null
  /** Authenticated account, if AUTH succeeded. */
  auth: { accountId: number; email: string } | null
  /** Trap mode (`serve --trap`): accept everything, file it in the trap mailbox. */
  trap: boolean
}

export interface MailFromInput {
  /** '' for the null reverse-path `<>`. */
  address: string
  size: number | null
  body: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8: boolean
  /** RFC 3461 DSN parameters, stored with the message for the delivery issue. */
  ret: 'FULL' | 'HDRS' | null
  envid: string | null
  requireTls: boolean
}

export interface RcptToInput {
  address: string
  notify: readonly ('NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY')[] | null
  orcpt: { addrType: string; value: string } | null
}

/** The pipeline's answer to MAIL or RCPT: accept (with the reply to send) or refuse. */
export type InboundVerdict = { ok: true; reply: SmtpReply } | { ok: false; reply: SmtpReply }

/** A recipient the pipeline accepted at RCPT time, with what it resolved to (kept until DATA ends). */
export interface AcceptedRecipient {
  input: RcptToInput
  /** Opaque to the session: the pipeline's resolution (local accounts, outbound queue, trap). */
  route: unknown
}

/** Result of the DATA/BDAT LAST phase. One reply for SMTP; per-recipient for a future LMTP. */
export interface DeliveryResult {
  reply: SmtpReply
  /** Per accepted recipient, in RCPT order. */
  perRecipient: SmtpReply[]
}

export interface InboundPipeline {
  /** MAIL FROM: sender policy (submission: may this account send as that address?). */
  mailFrom(ctx: InboundContext, from: MailFromInput): Promise<InboundVerdict>
  /** RCPT TO: resolve the recipient, refuse unknown users / relaying; the route is kept for delivery. */
  rcptTo(
    ctx: InboundContext,
    from: MailFromInput,
    rcpt: RcptToInput,
    acceptedSoFar: readonly AcceptedRecipient[],
  ): Promise<(InboundVerdict & { ok: false }) | { ok: true; reply: SmtpReply; recipient: AcceptedRecipient }>
  /**
   * End of DATA / BDAT LAST: verify (SPF/DKIM/DMARC/ARC), add trace headers, deliver durably to every
   * recipient, and only then resolve. `message` is the exact bytes received (CRLF line endings).
   */
  deliver(
    ctx: InboundContext,
    from: MailFromInput,
    recipients: readonly AcceptedRecipient[],
    message: Uint8Array,
  ): Promise<DeliveryResult>
}
