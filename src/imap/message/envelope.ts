// ENVELOPE (RFC 9051 §7.5.2, RFC 3501 §7.4.2): date, subject, from, sender, reply-to, to, cc,
// bcc, in-reply-to, message-id, taken from the header as written — IMAP sends encoded-words
// undecoded and the Date unparsed. Computed once at delivery and cached with the MIME tree.
import { type ImapAddress, parseAddressList } from './address-list.ts'
import { fieldValue, findField, type HeaderField } from './header-fields.ts'
import { headerText } from './header-text.ts'
import { type ImapTextOptions, nstring } from './imap-text.ts'

export interface ImapEnvelope {
  date: string | null
  subject: string | null
  from: ImapAddress[] | null
  sender: ImapAddress[] | null
  replyTo: ImapAddress[] | null
  to: ImapAddress[] | null
  cc: ImapAddress[] | null
  bcc: ImapAddress[] | null
  inReplyTo: string | null
  messageId: string | null
}

/** The envelope of the header whose fields are `fields` (the first of each field counts). */
export function readEnvelope(bytes: Uint8Array, fields: readonly HeaderField[]): ImapEnvelope {
  const text = (name: string): string | null => {
    const field = findField(fields, name)
    return field === undefined ? null : headerText(fieldValue(bytes, field))
  }
  const addresses = (name: string): ImapAddress[] | null => {
    const field = findField(fields, name)
    if (field === undefined) return null
    const list = parseAddressList(fieldValue(bytes, field))
    return list.length === 0 ? null : list
  }
  const from = addresses('From')
  return {
    date: text('Date'),
    subject: text('Subject'),
    from,
    // RFC 9051 §7.5.2: a missing or empty Sender or Reply-To takes the value of From.
    sender: addresses('Sender') ?? from,
    replyTo: addresses('Reply-To') ?? from,
    to: addresses('To'),
    cc: addresses('Cc'),
    bcc: addresses('Bcc'),
    inReplyTo: text('In-Reply-To'),
    messageId: text('Message-ID'),
  }
}

/** The envelope as IMAP text, with its parentheses: `("date" "subject" ((...)) ...)`. */
export function formatEnvelope(envelope: ImapEnvelope, options: ImapTextOptions = {}): string {
  return `(${[
    nstring(envelope.date, options),
    nstring(envelope.subject, options),
    formatAddresses(envelope.from, options),
    formatAddresses(envelope.sender, options),
    formatAddresses(envelope.replyTo, options),
    formatAddresses(envelope.to, options),
    formatAddresses(envelope.cc, options),
    formatAddresses(envelope.bcc, options),
    nstring(envelope.inReplyTo, options),
    nstring(envelope.messageId, options),
  ].join(' ')})`
}

/** `"(" 1*address ")" / nil` — addresses back to back, no SP (RFC 9051 §9 env-from etc.). */
function formatAddresses(list: readonly ImapAddress[] | null, options: ImapTextOptions): string {
  if (list === null || list.length === 0) return 'NIL'
  const items = list.map(
    a =>
      `(${nstring(a.name, options)} ${nstring(a.adl, options)} ${nstring(a.mailbox, options)} ${nstring(a.host, options)})`,
  )
  return `(${items.join('')})`
}

/** An envelope with every field NIL: a message/rfc822 part with no header. */
export const EMPTY_ENVELOPE: ImapEnvelope = {
  date: null,
  subject: null,
  from: null,
  sender: null,
  replyTo: null,
  to: null,
  cc: null,
  bcc: null,
  inReplyTo: null,
  messageId: null,
}
