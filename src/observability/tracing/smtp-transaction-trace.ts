// One span per SMTP mail transaction (RFC 5321 §3.3): it opens when MAIL is accepted and closes at
// the reply to the end of the message data, or when the transaction is abandoned (RSET, a new
// HELO/EHLO, QUIT, STARTTLS — RFC 5321 §4.1.4 and RFC 3207 §4.2 reset it — or the connection
// closing). The SMTP session feeds it every reply it sends, one call per reply.
import type { Tracer } from './tracer.ts'
import { noopSpan, type Span, type SpanAttributes } from './span.ts'

const ABANDONING_VERBS = new Set(['RSET', 'HELO', 'EHLO', 'QUIT', 'STARTTLS'])

export class SmtpTransactionTrace {
  private span: Span = noopSpan
  private open = false
  private accepted = 0
  private refused = 0

  constructor(
    private readonly tracer: Tracer,
    private readonly connection: SpanAttributes,
  ) {}

  /** After each reply: `verb` it answered (null for unparsable input), its code, and whether it ended a message. */
  reply(verb: string | null, code: number, endOfMessage: boolean): void {
    if (endOfMessage) return this.finish(code)
    if (verb === 'MAIL' && code < 400) {
      if (this.open) this.abandon(verb)
      this.open = true
      this.accepted = 0
      this.refused = 0
      this.span = this.tracer.startSpan('SMTP transaction', this.connection, { kind: 'server' })
      return
    }
    if (!this.open) return
    if (verb === 'RCPT') {
      if (code < 400) this.accepted++
      else this.refused++
    } else if (verb !== null && ABANDONING_VERBS.has(verb)) this.abandon(verb)
  }

  /** The connection closed; an open transaction was abandoned. */
  close(): void {
    if (this.open) this.abandon('close')
  }

  private finish(code: number): void {
    if (!this.open) return
    const result = code < 400 ? 'accepted' : code < 500 ? 'deferred' : 'rejected'
    this.span.setAttributes({ ...this.counts(), 'smtp.reply_code': code, 'smtp.result': result })
    this.span.end(code < 400 ? 'ok' : 'error', code < 400 ? undefined : `message ${result} (${code})`)
    this.open = false
  }

  private abandon(by: string): void {
    this.span.setAttributes({ ...this.counts(), 'smtp.result': 'abandoned', 'smtp.abandoned_by': by })
    this.span.end('unset')
    this.open = false
  }

  private counts(): SpanAttributes {
    return { 'smtp.recipients_accepted': this.accepted, 'smtp.recipients_refused': this.refused }
  }
}
