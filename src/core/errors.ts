// Typed errors shared by every protocol (DESIGN.md "Conventions"). Handlers throw these; each
// protocol maps them to replies in exactly one place (SMTP codes, IMAP NO/BAD, HTTP status).
//   syntax    → SMTP 500/501, IMAP BAD, HTTP 400
//   user      → SMTP 4xx/5xx from `codes`, IMAP NO, HTTP 4xx
//   temporary → SMTP 451/454, IMAP NO [UNAVAILABLE], HTTP 503 (retry later)
//   internal  → SMTP 451, IMAP NO [SERVERBUG], HTTP 500; logged with stack
export type ErrorKind = 'syntax' | 'user' | 'temporary' | 'internal'

export interface ProtocolCodes {
  /** SMTP basic + enhanced code (RFC 5321 §4.2, RFC 3463). */
  smtp?: readonly [number, string]
  /** IMAP response code (RFC 5530), e.g. NONEXISTENT, ALREADYEXISTS. */
  imap?: string
  /** HTTP status for the REST API. */
  http?: number
  /** Stable machine-readable code for the API and CLI (`duplicate_account`). */
  code?: string
}

export class MailError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly codes: ProtocolCodes = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MailError'
  }
}

export const userError = (message: string, codes: ProtocolCodes = {}) => new MailError('user', message, codes)
export const syntaxError = (message: string, codes: ProtocolCodes = {}) => new MailError('syntax', message, codes)
export const temporaryError = (message: string, codes: ProtocolCodes = {}, cause?: unknown) =>
  new MailError('temporary', message, codes, { cause })
export const internalError = (message: string, cause?: unknown) => new MailError('internal', message, {}, { cause })

export const isMailError = (e: unknown): e is MailError => e instanceof MailError

/** Message of any thrown value, for logs and CLI output. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))
