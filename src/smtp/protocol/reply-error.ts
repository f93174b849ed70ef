// The typed error every SMTP protocol function throws, and the one mapping from any thrown value to
// a reply (DESIGN.md "Errors": one place per protocol turns errors into replies).
import { type ErrorKind, MailError, isMailError } from '../../core/errors.ts'
import { REPLY_CODES, type ReplyName } from './reply-codes.ts'
import { type SmtpReply, buildReply, standardReply } from './reply.ts'

// RFC 5321 §4.2.4 / §4.1.1.11: the command or its arguments were wrong, the server is fine.
const SYNTAX_CODES = new Set([500, 501, 502, 503, 504, 555])

const kindOf = (code: number): ErrorKind => (SYNTAX_CODES.has(code) ? 'syntax' : code < 500 ? 'temporary' : 'user')

/** A failure that already knows its SMTP reply. `message` is for logs; `reply` goes on the wire. */
export class SmtpReplyError extends MailError {
  readonly reply: SmtpReply
  /**
   * The command verb the failing line started with (upper-cased, at most 16 characters), when
   * known: lets the session spot HTTP verbs and similar non-SMTP talkers.
   */
  readonly verb: string | null

  constructor(reply: SmtpReply, message?: string, verb: string | null = null) {
    const text = message ?? reply.lines.join(' ')
    super(kindOf(reply.code), text, { smtp: [reply.code, reply.enhanced ?? ''] })
    this.name = 'SmtpReplyError'
    this.reply = reply
    this.verb = verb
  }
}

/** Throwable for a standard reply; `text` replaces the table text on the wire and in the log. */
export function replyError(name: ReplyName, text?: string, verb: string | null = null): SmtpReplyError {
  return new SmtpReplyError(standardReply(name, text ?? REPLY_CODES[name].text), text, verb)
}

/**
 * The reply for anything a handler threw. SmtpReplyError and MailError with `codes.smtp` keep their
 * codes; other MailErrors map by kind; anything else is an internal error, answered 451 without
 * its message (the session logs the stack).
 */
export function replyForError(error: unknown): SmtpReply {
  if (error instanceof SmtpReplyError) return error.reply
  if (isMailError(error)) {
    const smtp = error.codes.smtp
    if (smtp !== undefined) {
      const [code, enhanced] = smtp
      try {
        return buildReply(code, enhanced === '' ? null : enhanced, error.message)
      } catch {
        // A malformed code pair from elsewhere must not crash the reply path.
      }
    }
    switch (error.kind) {
      case 'syntax':
        return standardReply('syntax', error.message)
      case 'user':
        return standardReply('actionNotTaken', error.message)
      case 'temporary':
        return standardReply('tempFailure', error.message)
      case 'internal':
        return standardReply('tempFailure')
    }
  }
  return standardReply('tempFailure')
}
