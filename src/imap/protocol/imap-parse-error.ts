// The one error type of the IMAP wire layer. The session turns it into the reply in one place:
//   status 'BAD' → `<tag> BAD [CODE] message` (kind 'syntax')
//   status 'NO'  → `<tag> NO [CODE] message`  (kind 'user'; a literal refused before it was sent)
// A null tag means the tag itself could not be read: answer `* BAD message` (RFC 9051 §7.1.5).
import { MailError } from '../../core/errors.ts'

export type ImapErrorStatus = 'BAD' | 'NO'

export interface ImapParseErrorOptions {
  status?: ImapErrorStatus
  /** Response code for the reply, e.g. TOOBIG (RFC 9051 §7.1), BADCHARSET, CLIENTBUG. */
  code?: string
}

export class ImapParseError extends MailError {
  readonly status: ImapErrorStatus
  readonly responseCode: string | undefined

  constructor(
    message: string,
    readonly tag: string | null,
    options: ImapParseErrorOptions = {},
  ) {
    const status = options.status ?? 'BAD'
    super(status === 'BAD' ? 'syntax' : 'user', message, options.code === undefined ? {} : { imap: options.code })
    this.name = 'ImapParseError'
    this.status = status
    this.responseCode = options.code
  }
}

export const isImapParseError = (e: unknown): e is ImapParseError => e instanceof ImapParseError
