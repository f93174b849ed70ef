// The state of one SMTP connection (RFC 5321 §4.1.4 command order; RFC 3207 §4.2 and RFC 4954 for
// what TLS and AUTH add). Plain data: the handlers change it, smtp-session.ts drives it.
import type { AcceptedRecipient, MailFromInput } from '../inbound/inbound-types.ts'
import type { BdatReader } from '../protocol/bdat-reader.ts'
import type { DataReader } from '../protocol/data-reader.ts'
import type { SmtpReplyError } from '../protocol/reply-error.ts'
import type { LoginState } from '../protocol/sasl-login.ts'

/** HELO/EHLO as received (RFC 5321 §4.1.1.1). */
export interface Hello {
  domain: string
  /** EHLO (ESMTP) rather than HELO: extensions and their parameters may be used. */
  esmtp: boolean
}

/** One mail transaction, from MAIL to the end of DATA / BDAT LAST (RFC 5321 §3.3). */
export interface Transaction {
  from: MailFromInput
  recipients: AcceptedRecipient[]
  /** Set by the first BDAT: RFC 3030 §2 forbids DATA in the same transaction. */
  bdat: BdatReader | null
}

/** A SASL exchange waiting for the client's next line (RFC 4954 §4). */
export type SaslExchange = { mechanism: 'PLAIN' } | { mechanism: 'LOGIN'; login: LoginState }

/** How the next input bytes are read. */
export type InputMode =
  /** Command lines. */
  | { kind: 'command' }
  /** A line answering a 334 challenge. */
  | { kind: 'auth'; exchange: SaslExchange }
  /** DATA: message bytes up to <CRLF>.<CRLF> (RFC 5321 §4.1.1.4). */
  | { kind: 'data'; reader: DataReader }
  /**
   * The octets of a BDAT chunk (RFC 3030 §2). `refusal` is set when the BDAT command itself was
   * refused: the octets still follow and must be read (and dropped) before that reply is sent, or
   * they would be parsed as commands.
   */
  | { kind: 'bdat'; reader: BdatReader; refusal: SmtpReplyError | null }
  /** STARTTLS sent, handshake pending: input is ignored (RFC 3207 §4.2). */
  | { kind: 'tls' }
  | { kind: 'closed' }

export interface SessionState {
  hello: Hello | null
  auth: { accountId: number; email: string } | null
  transaction: Transaction | null
  mode: InputMode
  /** Protocol errors so far (for smtp.maxErrors). */
  errors: number
  /** The first command line has been read (early-talker check). */
  spoke: boolean
}

export function newSessionState(): SessionState {
  return { hello: null, auth: null, transaction: null, mode: { kind: 'command' }, errors: 0, spoke: false }
}

/**
 * RFC 3207 §4.2: after the TLS handshake the server discards any knowledge obtained from the client
 * (the EHLO argument, AUTH, a transaction); the client starts again with EHLO.
 */
export function forgetAfterStartTls(state: SessionState): void {
  state.hello = null
  state.auth = null
  state.transaction = null
  state.mode = { kind: 'command' }
}
