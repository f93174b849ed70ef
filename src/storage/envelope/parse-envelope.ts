// The ENVELOPE fields (RFC 3501 §7.4.2 / RFC 9051 §7.5.2) parsed once at delivery and stored as
// `messages.envelope_json`, so FETCH ENVELOPE and list views never reopen the file. Only the
// header block is read, never the body. `v` versions the shape: the IMAP work may add fields and
// re-parse rows with an older version.
//
// This runs for every delivered message, on the event loop. A full postal-mime parse of the header
// block (its MIME node machinery, content-type handling and async stream plumbing) cost about a
// tenth of the SMTP server's time per message (bench/smtp.ts profile), so the fields are split here
// with postal-mime's own line rules (header-lines.ts) and only its address parser and RFC 2047
// decoder are used: the result is identical to what `PostalMime.parse` gave (unit-tested).
import { headerLines } from './header-lines.ts'

type PostalMimeModule = typeof import('postal-mime')
// Loaded on the first delivery, not at start: an idle server does not pay its ~3 MB (issue 3's RSS budget).
let postalMime: Promise<PostalMimeModule> | null = null
const loadPostalMime = () => {
  postalMime ??= import('postal-mime')
  return postalMime
}

export const ENVELOPE_VERSION = 1

export interface EnvelopeAddress {
  name: string
  address: string
}

/** An address, or an RFC 5322 group with its members. */
export type EnvelopeEntry = EnvelopeAddress | { name: string; group: EnvelopeAddress[] }

export interface StoredEnvelope {
  v: typeof ENVELOPE_VERSION
  /** Date header as written (IMAP returns the string, not a parsed date). */
  date: string | null
  /** Subject header as written (encoded words kept, folding removed). */
  subject: string | null
  /** Subject with RFC 2047 encoded words decoded. */
  subjectText: string | null
  from: EnvelopeEntry[]
  sender: EnvelopeEntry[]
  replyTo: EnvelopeEntry[]
  to: EnvelopeEntry[]
  cc: EnvelopeEntry[]
  bcc: EnvelopeEntry[]
  inReplyTo: string | null
  messageId: string | null
}

// Headers end at the first empty line (RFC 5322 §2.1); more than this is not a header block.
const MAX_HEADER_BYTES = 256 * 1024

/** The header block of a message (up to and including the blank line), bounded in size. */
export function headerBlock(message: Uint8Array): Uint8Array {
  const limit = Math.min(message.length, MAX_HEADER_BYTES)
  for (let i = 0; i < limit; i++) {
    if (message[i] !== 0x0a) continue
    if (message[i + 1] === 0x0a) return message.subarray(0, i + 2)
    if (message[i + 1] === 0x0d && message[i + 2] === 0x0a) return message.subarray(0, i + 3)
  }
  return message.subarray(0, limit)
}

/** `local@domain` of dot-atoms (RFC 5322 §3.4.1) with nothing postal-mime would change or interpret. */
const ADDRESS_CHARS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/
/** An empty dot-atom part: a dot at either end of the local part or domain, or two in a row. */
const EMPTY_ATOM = /^\.|\.@|@\.|\.\.|\.$/
const isPlainAddress = (value: string) => ADDRESS_CHARS.test(value) && !EMPTY_ATOM.test(value)
/** `<local@domain>` or `Word Word <local@domain>`: a name of plain words (no encoded words, quotes, comments). */
const NAMED_ADDRESS = /^(?:([A-Za-z0-9_ -]+) )?<([^<>\s]+)>$/
const isPlainName = (name: string) => !name.startsWith(' ') && !name.endsWith(' ') && !name.includes('  ')

/**
 * The parsed address list of a field value. The two forms nearly every message uses are read
 * directly, with the result postal-mime gives for them (unit-tested); anything else goes through
 * its full RFC 5322 address parser.
 */
function parseAddresses(value: string, addressParser: PostalMimeModule['addressParser']): unknown[] {
  if (isPlainAddress(value)) return [{ address: value, name: '' }]
  const named = NAMED_ADDRESS.exec(value)
  const name = named?.[1] ?? ''
  if (named !== null && isPlainAddress(named[2] as string) && isPlainName(name)) return [{ address: named[2], name }]
  return addressParser(value)
}

export async function parseEnvelope(message: Uint8Array): Promise<StoredEnvelope> {
  const { decodeWords, addressParser: fullParser } = await loadPostalMime()
  const addressParser = (value: string) => parseAddresses(value, fullParser)
  const fields = headerLines(headerBlock(message))
  const first = (key: string) => fields.find(f => f.key === key)?.value
  // What postal-mime's buildMessage did: From and Sender keep their first address; To, Cc, Bcc
  // and Reply-To collect every occurrence of the field; empty values count as absent.
  const firstAddress = (key: string): EnvelopeEntry[] => {
    const value = first(key)
    const parsed = value ? addressParser(value) : []
    return parsed.length > 0 ? toEntry(parsed[0]) : []
  }
  const allAddresses = (key: string): EnvelopeEntry[] =>
    fields.filter(f => f.key === key && f.value).flatMap(f => addressParser(f.value).flatMap(toEntry))
  const decoded = (key: string) => {
    const value = first(key)
    return value ? decodeWords(value) : null
  }
  const raw = (key: string) => {
    const value = first(key)
    return value === undefined ? null : value.replace(/\r?\n[ \t]+/g, ' ').trim()
  }
  return {
    v: ENVELOPE_VERSION,
    date: raw('date'),
    subject: raw('subject'),
    subjectText: decoded('subject'),
    from: firstAddress('from'),
    sender: firstAddress('sender'),
    replyTo: allAddresses('reply-to'),
    to: allAddresses('to'),
    cc: allAddresses('cc'),
    bcc: allAddresses('bcc'),
    inReplyTo: decoded('in-reply-to'),
    messageId: decoded('message-id'),
  }
}

function toEntry(value: unknown): EnvelopeEntry[] {
  if (!value || typeof value !== 'object') return []
  const v = value as { name?: unknown; address?: unknown; group?: unknown }
  const name = typeof v.name === 'string' ? v.name : ''
  if (Array.isArray(v.group)) {
    return [{ name, group: v.group.flatMap(toEntry).filter((e): e is EnvelopeAddress => 'address' in e) }]
  }
  return typeof v.address === 'string' ? [{ name, address: v.address }] : []
}
