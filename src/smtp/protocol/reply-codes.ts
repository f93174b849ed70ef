// The standard replies this server sends, each with its RFC 5321 §4.2 basic code and its RFC 3463
// enhanced code (nodemailer's ENHANCED_STATUS_CODES, mox smtp/codes.go). One table, so a reply's
// code pair is chosen once and every caller says `standardReply('sizeExceeded')`.
//
// `enhanced` is null only where RFC 2034 §3 / RFC 3463 leave no room for one:
//   - 3xx replies: RFC 3463 §3.1 defines classes 2, 4 and 5 only, and a 334 line must carry nothing
//     but the base64 challenge (RFC 4954 §4);
//   - the greeting and the HELO/EHLO reply: RFC 2034 §3 exempts them, and an enhanced code in front
//     of an EHLO keyword ("250-2.0.0 PIPELINING") would break clients.

export interface ReplyTemplate {
  /** Basic reply code (RFC 5321 §4.2.2, §4.2.3). */
  readonly code: number
  /** Enhanced status code `class.subject.detail` (RFC 3463), null where none may be sent. */
  readonly enhanced: string | null
  /** Default text; callers may replace it with something more specific. */
  readonly text: string
}

const TABLE = {
  // 2xx — success
  /** Greeting; the session puts its host name first (RFC 5321 §4.3.1). */
  greeting: { code: 220, enhanced: null, text: 'ESMTP ready' },
  /** RFC 3207 §4: go ahead with the TLS handshake. */
  startTlsReady: { code: 220, enhanced: '2.0.0', text: 'Ready to start TLS' },
  closing: { code: 221, enhanced: '2.0.0', text: 'Bye' },
  /** RFC 4954 §6. */
  authSucceeded: { code: 235, enhanced: '2.7.0', text: 'Authentication successful' },
  /** HELO reply (RFC 2034 §3: no enhanced code); EHLO is built by ehlo-capabilities.ts. */
  hello: { code: 250, enhanced: null, text: 'Hello' },
  ok: { code: 250, enhanced: '2.0.0', text: 'OK' },
  /** RFC 3463 §3.2: X.1.0 other address status — the sender is fine. */
  senderOk: { code: 250, enhanced: '2.1.0', text: 'Sender OK' },
  /** RFC 3463 §3.2: X.1.5 destination address valid. */
  recipientOk: { code: 250, enhanced: '2.1.5', text: 'Recipient OK' },
  messageAccepted: { code: 250, enhanced: '2.0.0', text: 'Message accepted' },
  /** RFC 3030 §2: reply to a BDAT chunk that is not the last. */
  chunkAccepted: { code: 250, enhanced: '2.0.0', text: 'Chunk received' },
  resetOk: { code: 250, enhanced: '2.0.0', text: 'Reset OK' },
  help: { code: 214, enhanced: '2.0.0', text: 'See https://www.rfc-editor.org/rfc/rfc5321' },
  /** RFC 5321 §3.5.3: VRFY is answered 252 so it cannot be used to harvest addresses. */
  cannotVerify: {
    code: 252,
    enhanced: '2.0.0',
    text: 'Cannot VRFY user, but will accept message and attempt delivery',
  },

  // 3xx — intermediate (no enhanced codes exist for class 3)
  /** RFC 4954 §4: the text is the base64 challenge and nothing else. */
  authChallenge: { code: 334, enhanced: null, text: '' },
  startData: { code: 354, enhanced: null, text: 'End data with <CR><LF>.<CR><LF>' },

  // 4xx — transient failure
  shuttingDown: { code: 421, enhanced: '4.3.2', text: 'Service shutting down, closing transmission channel' },
  timeout: { code: 421, enhanced: '4.4.2', text: 'Idle timeout, closing transmission channel' },
  tooManyErrors: { code: 421, enhanced: '4.7.0', text: 'Too many errors, closing transmission channel' },
  tooManyConnections: { code: 421, enhanced: '4.7.0', text: 'Too many connections, try again later' },
  mailboxBusy: { code: 450, enhanced: '4.2.1', text: 'Mailbox temporarily unavailable' },
  /** RFC 5321 §4.2.3 451 local error; RFC 3463 X.3.0 other mail system status. */
  tempFailure: { code: 451, enhanced: '4.3.0', text: 'Local error in processing, try again later' },
  /** RFC 6647 §2.1 greylisting. */
  greylisted: { code: 451, enhanced: '4.7.1', text: 'Greylisted, please try again later' },
  /** RFC 5321 §4.5.3.1.10: 452 too many recipients; RFC 3463 X.5.3. */
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },
  insufficientStorage: { code: 452, enhanced: '4.3.1', text: 'Insufficient system storage' },
  mailboxFull: { code: 452, enhanced: '4.2.2', text: 'Mailbox full' },
  /** RFC 4954 §6. */
  tempAuthFailure: { code: 454, enhanced: '4.7.0', text: 'Temporary authentication failure' },
  /** RFC 3207 §4. */
  tlsNotAvailable: { code: 454, enhanced: '4.7.0', text: 'TLS not available due to temporary reason' },

  // 5xx — permanent failure
  /** RFC 5321 §4.2.4: 500 for a command that is not recognised at all. */
  unknownCommand: { code: 500, enhanced: '5.5.2', text: 'Command not recognized' },
  /** RFC 5321 §4.5.3.1.4: "500 Line too long". */
  lineTooLong: { code: 500, enhanced: '5.5.2', text: 'Line too long' },
  /** RFC 4954 §4 / §6. */
  authLineTooLong: { code: 500, enhanced: '5.5.6', text: 'Authentication exchange line is too long' },
  /** RFC 5321 §4.2.3 501; RFC 3463 X.5.4 invalid command arguments. */
  syntax: { code: 501, enhanced: '5.5.4', text: 'Syntax error in parameters or arguments' },
  /** RFC 3463 X.1.7 bad sender's mailbox address syntax. */
  badSenderSyntax: { code: 501, enhanced: '5.1.7', text: 'Bad sender address syntax' },
  /** RFC 3463 X.1.3 bad destination mailbox address syntax. */
  badRecipientSyntax: { code: 501, enhanced: '5.1.3', text: 'Bad recipient address syntax' },
  /** RFC 4954 §4: "*" cancels the exchange. */
  authCancelled: { code: 501, enhanced: '5.0.0', text: 'Authentication cancelled' },
  /** RFC 4954 §4: a response that is not valid base64 / not a valid SASL message. */
  authMalformed: { code: 501, enhanced: '5.5.2', text: 'Cannot decode authentication response' },
  /** RFC 5321 §4.2.4: 502 for a recognised command this server does not implement. */
  notImplemented: { code: 502, enhanced: '5.5.1', text: 'Command not implemented' },
  badSequence: { code: 503, enhanced: '5.5.1', text: 'Bad sequence of commands' },
  paramNotImplemented: { code: 504, enhanced: '5.5.4', text: 'Command parameter not implemented' },
  /** RFC 4954 §6: unknown SASL mechanism. */
  authMechanismUnsupported: { code: 504, enhanced: '5.5.4', text: 'Unrecognized authentication type' },
  /** RFC 4954 §6. */
  authRequired: { code: 530, enhanced: '5.7.0', text: 'Authentication required' },
  /** RFC 3207 §4. */
  tlsRequired: { code: 530, enhanced: '5.7.0', text: 'Must issue a STARTTLS command first' },
  /** RFC 4954 §6. */
  authMechanismTooWeak: { code: 534, enhanced: '5.7.9', text: 'Authentication mechanism is too weak' },
  /** RFC 4954 §6. */
  authFailed: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  /** RFC 4954 §6. */
  encryptionRequiredForAuth: {
    code: 538,
    enhanced: '5.7.11',
    text: 'Encryption required for requested authentication mechanism',
  },
  /** RFC 3463 X.1.1 bad destination mailbox address. */
  mailboxUnknown: { code: 550, enhanced: '5.1.1', text: 'Mailbox unavailable' },
  /** RFC 3463 X.2.1 mailbox disabled, not accepting messages. */
  mailboxDisabled: { code: 550, enhanced: '5.2.1', text: 'Mailbox disabled, not accepting messages' },
  policyRejected: { code: 550, enhanced: '5.7.1', text: 'Rejected by policy' },
  actionNotTaken: { code: 550, enhanced: '5.0.0', text: 'Requested action not taken' },
  /** RFC 6531 §3.5: a non-ASCII reverse-path without the SMTPUTF8 parameter (RFC 5248 X.6.7). */
  nonAsciiSender: { code: 550, enhanced: '5.6.7', text: 'Non-ASCII addresses require the SMTPUTF8 parameter' },
  /** RFC 6531 §3.5: a non-ASCII forward-path in a transaction without SMTPUTF8. */
  nonAsciiRecipient: { code: 553, enhanced: '5.6.7', text: 'Non-ASCII addresses require the SMTPUTF8 parameter' },
  /**
   * Bare CR or LF inside DATA (SMTP smuggling, CVE-2023-51764/51765/51766). Postfix's
   * smtpd_forbid_bare_newline=reject answers 550 with 5.5.2; 550 is one of the replies RFC 5321
   * §4.3.2 allows after the end of DATA.
   */
  bareLineEnding: { code: 550, enhanced: '5.5.2', text: 'Bare <CR> or <LF> received; lines must end with <CR><LF>' },
  /** RFC 8689 §5: REQUIRETLS could not be honoured. */
  requireTlsFailed: { code: 550, enhanced: '5.7.30', text: 'REQUIRETLS support required' },
  /** RFC 3463 X.2.2 mailbox full (RFC 5321 §4.2.2: 552 exceeded storage allocation). */
  quotaExceeded: { code: 552, enhanced: '5.2.2', text: 'Mailbox full' },
  /** RFC 6409 §6.1 / RFC 3463 X.7.1: the authenticated user may not use this envelope sender. */
  senderNotAllowed: { code: 553, enhanced: '5.7.1', text: 'Sender address not allowed for this user' },
  /** RFC 5782 DNSBL hit; RFC 3463 X.7.1 delivery not authorized. */
  clientBlocked: { code: 554, enhanced: '5.7.1', text: 'Client host blocked' },
  /** RFC 1870 §6; RFC 3463 X.3.4 message too big for system. */
  sizeExceeded: { code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed maximum message size' },
  /**
   * A DATA line over the RFC 5321 §4.5.3.1.6 limit (1000 octets with CRLF). 554 is in the end-of-DATA
   * reply set of RFC 5321 §4.3.2; RFC 3463 X.6.0 is "other or undefined media error".
   */
  dataLineTooLong: { code: 554, enhanced: '5.6.0', text: 'Message has a line longer than allowed' },
  /** RFC 5321 §3.3: DATA when no recipient was accepted. */
  noValidRecipients: { code: 554, enhanced: '5.5.1', text: 'No valid recipients' },
  /** RFC 3463 X.7.1 delivery not authorized. */
  relayDenied: { code: 554, enhanced: '5.7.1', text: 'Relay access denied' },
  transactionFailed: { code: 554, enhanced: '5.0.0', text: 'Transaction failed' },
  /** RFC 5321 §4.1.1.11 / §4.2.3: 555 MAIL/RCPT parameter not recognised or not implemented. */
  unknownParameter: { code: 555, enhanced: '5.5.4', text: 'Parameter not recognized or not implemented' },
} as const satisfies Record<string, ReplyTemplate>

export type ReplyName = keyof typeof TABLE

export const REPLY_CODES: Readonly<Record<ReplyName, ReplyTemplate>> = TABLE
