// RFC 5322 §3.4 address lists as IMAP address structures (RFC 9051 §7.5.2 ENVELOPE): display
// name, route (obs-route, RFC 5322 §4.4), mailbox, host. Groups become a start marker
// (NIL NIL "name" NIL), their members, and an end marker (NIL NIL NIL NIL). Lenient like
// Dovecot's message-address parser: text is kept as written (encoded-words undecoded), quoted
// local parts are unquoted, a missing part is filled with MISSING_MAILBOX / MISSING_DOMAIN so
// the structure can never be mistaken for a group marker, and garbage up to the next "," is skipped.
import { headerText } from './header-text.ts'
import { StructuredLexer } from './structured-lexer.ts'

export interface ImapAddress {
  name: string | null
  adl: string | null
  mailbox: string | null
  host: string | null
}

export const MISSING_MAILBOX = 'MISSING_MAILBOX'
export const MISSING_DOMAIN = 'MISSING_DOMAIN'

/** The addresses of one header value (a binary string, see header-text.ts). */
export function parseAddressList(binary: string): ImapAddress[] {
  const lex = new StructuredLexer(binary)
  const out: ImapAddress[] = []
  for (;;) {
    lex.skipCfws()
    if (lex.done) break
    if (lex.eat(',')) continue
    const start = lex.pos
    if (!readGroup(lex, out)) {
      lex.pos = start
      readMailbox(lex, out)
    }
    lex.skipCfws()
    if (lex.done) break
    if (lex.peek() !== ',') {
      // Garbage after an address, or nothing readable at all: skip to the next address.
      if (!lex.skipPast(',') && lex.pos === start) break
    }
  }
  return out
}

/** group = display-name ":" [group-list] ";" — true when it was one. */
function readGroup(lex: StructuredLexer, out: ImapAddress[]): boolean {
  const name = readPhrase(lex)
  lex.skipCfws()
  if (name === '' || !lex.eat(':')) return false
  out.push({ name: null, adl: null, mailbox: headerText(name), host: null })
  for (;;) {
    lex.skipCfws()
    if (lex.done || lex.eat(';')) break
    if (lex.eat(',')) continue
    const before = lex.pos
    readMailbox(lex, out)
    lex.skipCfws()
    if (lex.pos === before || !(lex.peek() === ',' || lex.peek() === ';' || lex.done)) {
      // Skip garbage, but not past the end of the group.
      while (!lex.done && lex.peek() !== ',' && lex.peek() !== ';') lex.pos++
    }
  }
  out.push({ name: null, adl: null, mailbox: null, host: null })
  return true
}

/** mailbox = name-addr / addr-spec; pushes nothing when there is nothing address-like. */
function readMailbox(lex: StructuredLexer, out: ImapAddress[]): void {
  const start = lex.pos
  const name = readPhrase(lex)
  lex.skipCfws()
  if (lex.eat('<')) {
    const { adl, mailbox, host } = readAngleAddress(lex)
    out.push(address(name === '' ? null : name, adl, mailbox, host))
    return
  }
  lex.pos = start
  lex.lastComment = null
  const mailbox = readLocalPart(lex)
  lex.skipCfws()
  const host = lex.eat('@') ? readDomain(lex) : ''
  if (mailbox === '' && host === '') return
  // `user@host (Real Name)`: the comment is the only name there is (RFC 5322 §3.4 note).
  lex.skipCfws()
  const comment = (lex.lastComment as string | null)?.trim() ?? ''
  out.push(address(comment === '' ? null : comment, null, mailbox, host))
}

function address(name: string | null, adl: string | null, mailbox: string, host: string): ImapAddress {
  return {
    name: name === null ? null : headerText(name),
    adl: adl === null ? null : headerText(adl),
    mailbox: mailbox === '' ? MISSING_MAILBOX : headerText(mailbox),
    host: host === '' ? MISSING_DOMAIN : headerText(host),
  }
}

/** angle-addr after "<": [obs-route] addr-spec ">" */
function readAngleAddress(lex: StructuredLexer): { adl: string | null; mailbox: string; host: string } {
  lex.skipCfws()
  let adl: string | null = null
  if (lex.peek() === '@') {
    // obs-route = obs-domain-list ":" ; obs-domain-list = "@" domain *("," [CFWS] ["@" domain])
    const route: string[] = []
    while (lex.eat('@')) {
      route.push(`@${readDomain(lex)}`)
      lex.skipCfws()
      while (lex.eat(',')) lex.skipCfws()
    }
    adl = route.join(',')
    lex.eat(':')
  }
  const mailbox = readLocalPart(lex)
  lex.skipCfws()
  const host = lex.eat('@') ? readDomain(lex) : ''
  lex.skipCfws()
  if (!lex.eat('>')) {
    while (!lex.done && lex.peek() !== '>' && lex.peek() !== ',') lex.pos++
    lex.eat('>')
  }
  return { adl, mailbox, host }
}

/** phrase = 1*word / obs-phrase: words joined by one SP, quoted strings unquoted. */
function readPhrase(lex: StructuredLexer): string {
  const words: string[] = []
  for (;;) {
    lex.skipCfws()
    if (lex.peek() === '"') words.push(lex.quoted())
    else {
      const word = lex.atom(true)
      if (word === '') break
      words.push(word)
    }
  }
  return words.join(' ')
}

/** local-part = dot-atom / quoted-string / obs-local-part, as its unquoted value. */
function readLocalPart(lex: StructuredLexer): string {
  let out = ''
  for (;;) {
    lex.skipCfws()
    if (lex.peek() === '"') out += lex.quoted()
    else {
      const word = lex.atom()
      if (word === '') break
      out += word
    }
    lex.skipCfws()
    if (!lex.eat('.')) break
    out += '.'
  }
  return out
}

/** domain = dot-atom / domain-literal / obs-domain, without CFWS. */
function readDomain(lex: StructuredLexer): string {
  lex.skipCfws()
  if (lex.peek() === '[') return lex.domainLiteral()
  const labels: string[] = []
  for (;;) {
    lex.skipCfws()
    const label = lex.atom()
    if (label === '') break
    labels.push(label)
    lex.skipCfws()
    if (!lex.eat('.')) break
  }
  return labels.join('.')
}
