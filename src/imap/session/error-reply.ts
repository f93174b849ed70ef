// The one mapping from a thrown error to a tagged IMAP result (mox imapserver/error.go; DESIGN.md
// "Errors"). The session's execute() is the only caller:
//   syntax (ImapParseError BAD, MailError 'syntax')  → BAD [code] text
//   user   (MailError 'user', ImapParseError NO)     → NO [code] text, e.g. NO [NONEXISTENT]
//   temporary (storage busy, disk)                   → NO [UNAVAILABLE] text, logged as a warning
//   internal or anything else (a bug)                → NO [SERVERBUG], logged with its stack
// Response codes come from MailError.codes.imap (RFC 5530 names).
import { MailError } from '../../core/errors.ts'
import { ImapParseError } from '../protocol/imap-parse-error.ts'

export interface ErrorReply {
  status: 'NO' | 'BAD'
  code: string | undefined
  text: string
  /** How loudly the session logs it: client mistakes quietly, server trouble loudly. */
  log: 'debug' | 'warn' | 'error'
}

export function replyForError(error: unknown): ErrorReply {
  if (error instanceof ImapParseError) {
    return { status: error.status, code: error.responseCode, text: error.message, log: 'debug' }
  }
  if (error instanceof MailError) {
    const code = error.codes.imap
    switch (error.kind) {
      case 'syntax':
        return { status: 'BAD', code, text: error.message, log: 'debug' }
      case 'user':
        return { status: 'NO', code, text: error.message, log: 'debug' }
      case 'temporary':
        return { status: 'NO', code: code ?? 'UNAVAILABLE', text: error.message, log: 'warn' }
      case 'internal':
        return { status: 'NO', code: 'SERVERBUG', text: 'Internal server error', log: 'error' }
    }
  }
  // Never echo an unexpected error's message: it may name paths or SQL.
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal server error', log: 'error' }
}
