// The one error type POP3 handlers throw; the session turns it into a `-ERR` line in one place.
// RFC 1939 only has "+OK" and "-ERR"; RFC 2449 §8 adds bracketed response codes after -ERR, of which
// this server sends the ones of RFC 2449 (IN-USE, LOGIN-DELAY) and RFC 3206 (SYS/TEMP, SYS/PERM,
// AUTH), so a client can tell a wrong password from a locked maildrop from a broken server.
import { type ErrorKind, MailError } from '../../core/errors.ts'

export type Pop3ResponseCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY'

export class Pop3Error extends MailError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly responseCode: Pop3ResponseCode | null = null,
    /** Counts against pop3.maxErrors: the client got the protocol wrong or failed to log in. */
    readonly countsAsError: boolean = kind === 'syntax',
  ) {
    super(kind, message)
    this.name = 'Pop3Error'
  }
}

/** A malformed or unknown command, or one sent in the wrong state. */
export const pop3SyntaxError = (message: string) => new Pop3Error('syntax', message)

/** A well-formed request the server refuses (no such message, message deleted). */
export const pop3UserError = (message: string, code: Pop3ResponseCode | null = null) =>
  new Pop3Error('user', message, code, false)

/** Wrong credentials, or authentication not allowed here (RFC 3206 §4 AUTH); counts as an error. */
export const pop3AuthError = (message: string) => new Pop3Error('user', message, 'AUTH', true)

/** Something on the server side that may work later (RFC 3206 §4 SYS/TEMP). */
export const pop3TemporaryError = (message: string) => new Pop3Error('temporary', message, 'SYS/TEMP', false)
