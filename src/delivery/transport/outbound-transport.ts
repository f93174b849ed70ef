// The contract between the queue runner (src/delivery/queue) and the ways a message leaves this
// server (src/delivery/direct, relay, ses): the runner hands one attempt for one recipient domain
// and gets one result per recipient. Transports never touch the queue tables; the runner never
// opens sockets. RFC 5321 §4.2.1: the first digit of the reply decides retry (4) vs bounce (5).

/** One delivery attempt: every recipient shares the same domain (one queue entry per domain). */
export interface OutboundAttempt {
  /** Queue entry id, for logs and the TLS-RPT/ DSN records. */
  queueId: string
  /** Reverse-path; '' for the null sender `<>` (DSNs). */
  sender: string
  /** Lower-case ASCII (A-label) recipient domain all `recipients` belong to. */
  domain: string
  recipients: readonly OutboundRecipient[]
  /** The message as it goes on the wire (already DKIM-signed), CRLF line endings. */
  message: Uint8Array
  /** RFC 1652/3030 body type asked for at submission. */
  bodyType: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  /** RFC 6531: the envelope or headers need SMTPUTF8. */
  smtputf8: boolean
  /** RFC 8689 REQUIRETLS: deliver only over verified TLS, and pass REQUIRETLS on. */
  requireTls: boolean
  /** RFC 3461 parameters to relay on MAIL FROM. */
  ret: 'FULL' | 'HDRS' | null
  envid: string | null
}

export interface OutboundRecipient {
  address: string
  /** RFC 3461 NOTIFY/ORCPT as received, passed on to a DSN-capable next hop. */
  notify: readonly ('NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY')[] | null
  orcpt: { addrType: string; value: string } | null
}

/** What happened to one recipient in one attempt. */
export interface RecipientResult {
  address: string
  /**
   * delivered: the next hop answered 2xx after the data; deferred: try again later (4xx, network
   * error, TLS policy not met); failed: permanent (5xx, null MX, no such domain).
   */
  status: 'delivered' | 'deferred' | 'failed'
  /** The SMTP reply code that decided it (e.g. 250, 451, 550), or null when no reply was read. */
  code: number | null
  /** RFC 3463 enhanced status (e.g. '5.1.1'), from the reply or chosen by us. */
  enhancedStatus: string
  /** Human-readable diagnostic for logs and the DSN's Diagnostic-Code (the remote text, or ours). */
  diagnostic: string
  /** The host that answered (MX name, relay or 'ses'), for the DSN's Remote-MTA. */
  remoteMta: string | null
}

export interface OutboundTransport {
  /** 'direct' | 'relay' | 'ses' */
  readonly name: string
  /** Never throws for delivery problems: every recipient gets a result. Throws only on bugs. */
  deliver(attempt: OutboundAttempt): Promise<RecipientResult[]>
  /** Close pooled connections (shutdown). */
  close(): Promise<void>
}
