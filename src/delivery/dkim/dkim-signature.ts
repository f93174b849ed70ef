// The DKIM-Signature header field (RFC 6376 §3.5) and the header data it signs (§3.7, §5.4): which
// fields go into h=, how the field is laid out and folded, and the canonicalized bytes a key signs.
import { type Canonicalization, canonicalizeHeaderField } from './canonicalize.ts'
import type { DkimAlgorithm } from './generate-dkim-key.ts'
import { asciiLower, type RawHeaderField } from './raw-header-fields.ts'

/**
 * Fields signed when present: RFC 6376 §5.4.1's recommended list, as mailauth signs it (plus the
 * list and BIMI fields it adds). Received, Return-Path and trace fields are left out: relays add
 * and rewrite them (§5.4).
 */
export const SIGNED_FIELD_NAMES: readonly string[] = [
  'from',
  'sender',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'to',
  'cc',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-id',
  'content-description',
  'resent-date',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-message-id',
  'in-reply-to',
  'references',
  'list-id',
  'list-help',
  'list-unsubscribe',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
  'bimi-selector',
]

/**
 * Named once more than they occur (§5.4.2: the extra entry signs "nothing"), so a From: added in
 * transit breaks the signature instead of being shown to the reader above a valid one (§8.15).
 */
export const OVERSIGNED_FIELD_NAMES: readonly string[] = ['from']

const SIGNED = new Set(SIGNED_FIELD_NAMES)

/**
 * The h= list for a message: every instance of a signed field, bottom-up (the order §5.4.2 has a
 * verifier take them in), then the oversigned names once more.
 */
export function chooseSignedFields(fields: readonly RawHeaderField[]): string[] {
  const names: string[] = []
  for (let i = fields.length - 1; i >= 0; i--) {
    const name = (fields[i] as RawHeaderField).name
    if (SIGNED.has(name)) names.push(name)
  }
  return [...names, ...OVERSIGNED_FIELD_NAMES]
}

/**
 * The canonicalized header fields named by `signedNames`, in h= order (§3.7, §5.4.2): each name
 * takes the lowest instance not taken yet; a name with no instance left contributes nothing.
 */
export function canonicalizeSignedFields(
  fields: readonly RawHeaderField[],
  signedNames: readonly string[],
  mode: Canonicalization,
): string {
  const byName = new Map<string, RawHeaderField[]>()
  for (const field of fields) {
    const list = byName.get(field.name)
    if (list) list.push(field)
    else byName.set(field.name, [field])
  }
  let out = ''
  for (const wanted of signedNames) {
    const list = byName.get(asciiLower(wanted))
    const field = list?.pop()
    if (field) out += canonicalizeHeaderField(field.raw, mode)
  }
  return out
}

export interface DkimSignatureTags {
  algorithm: DkimAlgorithm
  /** d=: the signing domain, an A-label. */
  domain: string
  /** s= */
  selector: string
  /** t=: signing time in seconds since the epoch. */
  timestamp: number
  /** h= */
  signedNames: readonly string[]
  /** bh=: base64 body hash. */
  bodyHash: string
}

/** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters. */
const MAX_LINE = 78
const FOLD = '\r\n\t'
/** §3.5: d= is a domain name, s= a sub-domain; both are also safe inside a tag-list (no ';', no WSP). */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/

/**
 * The DKIM-Signature field up to and including the empty `b=`: exactly what is hashed for it (§3.7,
 * the b= value deleted), and, with the folded signature appended (`completeSignatureField`), what
 * is prepended to the message. Tags are folded at tag boundaries and between h= names; `b=` always
 * starts its own line, so the layout of everything before it does not depend on the signature.
 */
export function unsignedSignatureField(tags: DkimSignatureTags): string {
  if (!DOMAIN.test(tags.domain)) throw new Error(`invalid DKIM signing domain ${JSON.stringify(tags.domain)}`)
  if (!DOMAIN.test(tags.selector)) throw new Error(`invalid DKIM selector ${JSON.stringify(tags.selector)}`)
  if (!Number.isInteger(tags.timestamp) || tags.timestamp < 0) throw new Error('invalid DKIM signing time')
  if (tags.signedNames.length === 0 || !tags.signedNames.every(n => FIELD_NAME.test(n)))
    throw new Error('invalid DKIM h= list')
  // Pieces with the glue that joins them when they stay on one line; a fold replaces the glue.
  const pieces: [glue: string, text: string][] = [
    [' ', 'v=1;'],
    [' ', `a=${tags.algorithm};`],
    [' ', 'c=relaxed/relaxed;'],
    [' ', `d=${tags.domain};`],
    [' ', `s=${tags.selector};`],
    [' ', `t=${tags.timestamp};`],
    ...tags.signedNames.map((name, i, all): [string, string] => [
      i === 0 ? ' ' : '',
      `${i === 0 ? 'h=' : ''}${name}${i === all.length - 1 ? ';' : ':'}`,
    ]),
    [' ', `bh=${tags.bodyHash};`],
  ]
  let out = 'DKIM-Signature:'
  let line = out.length
  for (const [glue, text] of pieces) {
    if (line + glue.length + text.length > MAX_LINE) {
      out += FOLD + text
      line = 1 + text.length
    } else {
      out += glue + text
      line += glue.length + text.length
    }
  }
  return `${out}${FOLD}b=`
}

/** The field to prepend: the unsigned field with the base64 signature folded into b=, plus CRLF. */
export function completeSignatureField(unsigned: string, signature: string): string {
  // §3.5: FWS inside b= is ignored by verifiers. The first line holds "\tb=" and 72 characters.
  let out = unsigned + signature.slice(0, 72)
  for (let i = 72; i < signature.length; i += 76) out += FOLD + signature.slice(i, i + 76)
  return `${out}\r\n`
}

/**
 * The bytes a key signs (§3.7): the signed fields (`canonicalizeSignedFields`, shared by every key
 * of a message), then the DKIM-Signature field itself with an empty b= and no trailing CRLF, in the
 * same canonicalization. Latin1 text back to bytes, one char per byte.
 */
export function signingInput(canonicalFields: string, unsignedField: string, mode: Canonicalization): Uint8Array {
  const own = canonicalizeHeaderField(unsignedField, mode).slice(0, -2)
  return Buffer.from(canonicalFields + own, 'latin1')
}
