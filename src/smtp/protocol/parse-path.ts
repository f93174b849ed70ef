// Reverse-path and forward-path syntax (RFC 5321 §4.1.2, RFC 6531 §3.3 for UTF-8), with the
// RFC 5321 §4.5.3.1 length limits. Source routes are parsed and dropped (RFC 5321 §4.1.1.3,
// Appendix C: "SHOULD ... ignore the route"). Errors are SmtpReplyErrors with the address-syntax
// codes of the command at hand: 501 5.1.7 for MAIL, 501 5.1.3 for RCPT (RFC 3463 §3.2).
import { checkDomain, parseAddressLiteral } from './domain-syntax.ts'
import type { ReplyName } from './reply-codes.ts'
import { replyError } from './reply-error.ts'
import type { ForwardPath, SmtpMailbox } from './smtp-command.ts'
import { utf8Length } from '../../core/bytes.ts'

// RFC 5321 §4.5.3.1.1 local part 64 octets; §4.5.3.1.3 path 256 octets including punctuation.
export const MAX_LOCAL_PART_OCTETS = 64
export const MAX_PATH_OCTETS = 256

export type PathRole = 'reverse' | 'forward'

const DQUOTE = 0x22
const BACKSLASH = 0x5c

const codeFor = (role: PathRole): ReplyName => (role === 'reverse' ? 'badSenderSyntax' : 'badRecipientSyntax')
const fail = (role: PathRole, why: string, verb: string) => replyError(codeFor(role), why, verb)
const verbOf = (role: PathRole) => (role === 'reverse' ? 'MAIL' : 'RCPT')

// RFC 5322 §3.2.3 atext; RFC 6531 §3.3 adds UTF8-non-ascii.
const isAtext = (cp: number) =>
  (cp >= 0x30 && cp <= 0x39) ||
  (cp >= 0x41 && cp <= 0x5a) ||
  (cp >= 0x61 && cp <= 0x7a) ||
  "!#$%&'*+-/=?^_`{|}~".includes(String.fromCharCode(cp)) ||
  (cp > 0x7f && !(cp >= 0xd800 && cp <= 0xdfff))

// RFC 5321 §4.1.2 qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii (RFC 6531 §3.3).
const isQtext = (cp: number) =>
  cp === 0x20 ||
  cp === 0x21 ||
  (cp >= 0x23 && cp <= 0x5b) ||
  (cp >= 0x5d && cp <= 0x7e) ||
  (cp > 0x7f && !(cp >= 0xd800 && cp <= 0xdfff))

/** Whether a local part can be written as a Dot-string (no quoting needed). */
export function isDotString(local: string): boolean {
  if (local === '') return false
  for (const atom of local.split('.')) {
    if (atom === '') return false
    for (const ch of atom) if (!isAtext(ch.codePointAt(0) ?? 0)) return false
  }
  return true
}

/** A local part in wire form: as a Dot-string when possible, else a quoted-string (RFC 5321 §4.1.2). */
export function formatLocalPart(local: string): string {
  return isDotString(local) ? local : `"${local.replace(/["\\]/g, c => `\\${c}`)}"`
}

export interface SplitPath {
  /** `<...>` as sent. */
  readonly raw: string
  /** Between the brackets. */
  readonly inner: string
  /** Whatever followed `>` (the ESMTP parameters). */
  readonly rest: string
}

/**
 * Find `<...>` at the start of `text`, honouring quoted local parts (`<"a>b"@c>`). The closing bracket
 * must be followed by the end or by white space.
 */
export function splitPath(text: string, role: PathRole): SplitPath {
  const verb = verbOf(role)
  if (!text.startsWith('<')) throw fail(role, 'address must be enclosed in <>', verb)
  let inQuote = false
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inQuote) {
      if (c === BACKSLASH) i++
      else if (c === DQUOTE) inQuote = false
      continue
    }
    if (c === DQUOTE) inQuote = true
    else if (c === 0x3c) throw fail(role, 'unexpected "<" inside address', verb)
    else if (c === 0x3e) {
      const rest = text.slice(i + 1)
      if (rest !== '' && !/^[ \t]/.test(rest)) throw fail(role, 'unexpected text after ">"', verb)
      return { raw: text.slice(0, i + 1), inner: text.slice(1, i), rest }
    }
  }
  throw fail(role, 'missing closing ">"', verb)
}

/** MAIL FROM's path: a mailbox, or null for `<>` (RFC 5321 §4.5.5 null reverse-path). */
export function parseReversePath(split: SplitPath): SmtpMailbox | null {
  checkPathLength(split, 'reverse')
  if (split.inner === '') return null
  return parseMailbox(stripSourceRoute(split.inner, 'reverse'), 'reverse')
}

/** RCPT TO's path: a mailbox or the bare `<Postmaster>` (RFC 5321 §4.1.1.3); `<>` is refused. */
export function parseForwardPath(split: SplitPath): ForwardPath {
  checkPathLength(split, 'forward')
  if (split.inner === '') throw fail('forward', 'null path <> is only allowed in MAIL FROM', 'RCPT')
  if (split.inner.toLowerCase() === 'postmaster') return { kind: 'postmaster' }
  return { kind: 'mailbox', mailbox: parseMailbox(stripSourceRoute(split.inner, 'forward'), 'forward') }
}

function checkPathLength(split: SplitPath, role: PathRole): void {
  if (utf8Length(split.raw) > MAX_PATH_OCTETS)
    throw fail(role, `path longer than ${MAX_PATH_OCTETS} octets`, verbOf(role))
}

/** Drop an RFC 5321 §4.1.2 A-d-l (`@a,@b:`) after checking its syntax. */
function stripSourceRoute(inner: string, role: PathRole): string {
  if (!inner.startsWith('@')) return inner
  const colon = inner.indexOf(':')
  if (colon < 0) throw fail(role, 'source route without ":"', verbOf(role))
  for (const hop of inner.slice(0, colon).split(',')) {
    if (!hop.startsWith('@')) throw fail(role, 'source route hop must start with "@"', verbOf(role))
    const why = checkDomain(hop.slice(1), { allowUtf8: true })
    if (why !== null) throw fail(role, `source route: ${why}`, verbOf(role))
  }
  return inner.slice(colon + 1)
}

/** Mailbox = Local-part "@" ( Domain / address-literal ) (RFC 5321 §4.1.2). */
export function parseMailbox(text: string, role: PathRole): SmtpMailbox {
  const verb = verbOf(role)
  let localPart: string
  let quoted = false
  let at: number
  if (text.charCodeAt(0) === DQUOTE) {
    quoted = true
    localPart = ''
    let i = 1
    for (;;) {
      if (i >= text.length) throw fail(role, 'unterminated quoted local part', verb)
      const cp = text.codePointAt(i) ?? 0
      if (cp === DQUOTE) break
      if (cp === BACKSLASH) {
        // RFC 5321 §4.1.2 quoted-pairSMTP = %d92 %d32-126.
        const next = text.charCodeAt(i + 1)
        if (!(next >= 0x20 && next <= 0x7e)) throw fail(role, 'invalid escape in quoted local part', verb)
        localPart += String.fromCharCode(next)
        i += 2
        continue
      }
      if (!isQtext(cp)) throw fail(role, 'invalid character in quoted local part', verb)
      localPart += String.fromCodePoint(cp)
      i += cp > 0xffff ? 2 : 1
    }
    at = i + 1
    if (text.charCodeAt(at) !== 0x40) throw fail(role, 'expected "@" after quoted local part', verb)
  } else {
    at = text.indexOf('@')
    if (at < 0) throw fail(role, 'address has no "@domain"', verb)
    localPart = text.slice(0, at)
    if (localPart === '') throw fail(role, 'empty local part', verb)
    if (!isDotString(localPart)) throw fail(role, 'invalid local part', verb)
  }
  const wireLocal = text.slice(0, at)
  if (utf8Length(wireLocal) > MAX_LOCAL_PART_OCTETS)
    throw fail(role, `local part longer than ${MAX_LOCAL_PART_OCTETS} octets`, verb)

  const domain = text.slice(at + 1)
  let literal = null
  if (domain.startsWith('[')) {
    literal = parseAddressLiteral(domain)
    if (literal === null) throw fail(role, 'invalid address literal', verb)
  } else {
    const why = checkDomain(domain, { allowUtf8: true })
    if (why !== null) throw fail(role, why, verb)
  }
  const utf8 = /[^\x00-\x7f]/.test(localPart) || /[^\x00-\x7f]/.test(domain)
  return { localPart, quoted, domain, literal, address: `${formatLocalPart(localPart)}@${domain}`, utf8 }
}
