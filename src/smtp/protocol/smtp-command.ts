// The typed result of parsing one SMTP command line (RFC 5321 §4.1 and its ESMTP extensions).
// Values are syntax only: policy (is SIZE over the limit, is DSN offered, is the sender allowed)
// belongs to the session, which gets everything it needs to decide here.

/** An address literal from EHLO or a path (RFC 5321 §4.1.3). */
export interface AddressLiteral {
  readonly kind: 'ipv4' | 'ipv6'
  /** The IP address without brackets or `IPv6:` tag. */
  readonly address: string
}

/** A mailbox from a reverse- or forward-path, as sent (RFC 5321 §4.1.2 Mailbox). */
export interface SmtpMailbox {
  /** Local part with quoting undone: `"john doe"` → `john doe`. */
  readonly localPart: string
  /** Whether the local part was sent as a quoted-string. */
  readonly quoted: boolean
  /** Domain as sent (case kept), or the address literal with its brackets: `[192.0.2.1]`. */
  readonly domain: string
  /** Set when the domain is an address literal. */
  readonly literal: AddressLiteral | null
  /** The mailbox in wire form (`local@domain`, local part re-quoted when needed), source route dropped. */
  readonly address: string
  /**
   * Non-ASCII appears in the local part or the domain (RFC 6531). For RCPT the session must answer
   * 553 5.6.7 unless the transaction's MAIL carried SMTPUTF8; MAIL enforces it itself.
   */
  readonly utf8: boolean
}

/** RCPT TO:<Postmaster> without a domain (RFC 5321 §4.1.1.3) is a valid forward-path of its own. */
export type ForwardPath = { readonly kind: 'mailbox'; readonly mailbox: SmtpMailbox } | { readonly kind: 'postmaster' }

export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME'
export type DsnReturn = 'FULL' | 'HDRS'
export type DsnNotify = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY'

/** ESMTP parameters of MAIL FROM. Absent keys were not sent. */
export interface MailParams {
  /** RFC 1870 SIZE=, the client's estimate in octets. */
  size?: number
  /** RFC 6152 / RFC 3030 BODY=. */
  body?: BodyType
  /** RFC 6531 SMTPUTF8. */
  smtputf8: boolean
  /** RFC 3461 §4.3 RET=. */
  ret?: DsnReturn
  /** RFC 3461 §4.4 ENVID=, decoded from xtext. */
  envid?: string
  /** RFC 4954 §5 AUTH=: the authorized submitter, null for `AUTH=<>`. */
  auth?: { readonly mailbox: string | null }
  /** RFC 8689 §4.1 REQUIRETLS. */
  requireTls: boolean
}

/** RFC 3461 §4.2 ORCPT=addr-type;value. */
export interface OriginalRecipient {
  /** addr-type as sent (`rfc822`, `utf-8`, ...). */
  readonly addrType: string
  /** The encoded value exactly as sent, to be passed on unchanged (RFC 3461 §4.2). */
  readonly value: string
  /** The decoded address (xtext, or RFC 6533 utf-8-addr-xtext for addr-type utf-8). */
  readonly address: string
}

/** ESMTP parameters of RCPT TO. Absent keys were not sent. */
export interface RcptParams {
  /** RFC 3461 §4.1 NOTIFY=; NEVER only alone, no duplicates. */
  notify?: readonly DsnNotify[]
  orcpt?: OriginalRecipient
}

export type SmtpCommand =
  | {
      readonly verb: 'HELO' | 'EHLO'
      /** Domain or address literal as sent (with brackets for a literal). */
      readonly domain: string
      readonly literal: AddressLiteral | null
    }
  | { readonly verb: 'MAIL'; readonly from: SmtpMailbox | null; readonly params: MailParams }
  | { readonly verb: 'RCPT'; readonly to: ForwardPath; readonly params: RcptParams }
  | { readonly verb: 'DATA' }
  /** RFC 3030 §2: `size` octets follow the command line at once. */
  | { readonly verb: 'BDAT'; readonly size: number; readonly last: boolean }
  | { readonly verb: 'RSET' }
  | { readonly verb: 'VRFY'; readonly argument: string }
  | { readonly verb: 'EXPN'; readonly argument: string }
  | { readonly verb: 'HELP'; readonly topic: string | null }
  | { readonly verb: 'NOOP' }
  | { readonly verb: 'QUIT' }
  | { readonly verb: 'STARTTLS' }
  | {
      readonly verb: 'AUTH'
      /** SASL mechanism name, upper-cased (RFC 4422 §3.1). */
      readonly mechanism: string
      /** Initial response as sent (base64, or `=` for an empty one; RFC 4954 §4), null if absent. */
      readonly initialResponse: string | null
    }

export type SmtpVerb = SmtpCommand['verb']
