// A cursor over a structured header value (RFC 5322 §3.2, RFC 2045 §5.1): comments, quoted
// strings, atoms and MIME tokens. Lenient like Dovecot's rfc822-parser: an unterminated comment
// or quoted string runs to the end instead of failing, so a broken header still yields a value.

/** RFC 2045 §5.1 tspecials, plus SP and CTLs: what ends a MIME token. 8-bit octets are allowed. */
const TOKEN_STOP = new Uint8Array(256)
for (const c of '()<>@,;:\\"/[]?= ') TOKEN_STOP[c.charCodeAt(0)] = 1
for (let b = 0; b < 0x20; b++) TOKEN_STOP[b] = 1
TOKEN_STOP[0x7f] = 1

/** RFC 5322 §3.2.3 atext (plus 8-bit, RFC 6532 §3.2): what ends an atom is a special, SP or CTL. */
const ATOM_STOP = new Uint8Array(256)
for (const c of '()<>[]:;@\\,."') ATOM_STOP[c.charCodeAt(0)] = 1
for (let b = 0; b <= 0x20; b++) ATOM_STOP[b] = 1
ATOM_STOP[0x7f] = 1

export class StructuredLexer {
  pos = 0
  /** Text of the last comment skipped by skipCfws(), for `user@host (Real Name)`. */
  lastComment: string | null = null

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length
  }

  peek(): string {
    return this.text[this.pos] ?? ''
  }

  /** Skip whitespace and (nested) comments: CFWS. */
  skipCfws(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t[this.pos]
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++
      else if (c === '(') this.lastComment = this.readComment()
      else break
    }
  }

  private readComment(): string {
    const t = this.text
    let depth = 0
    let out = ''
    while (this.pos < t.length) {
      const c = t[this.pos++] as string
      if (c === '\\' && this.pos < t.length) {
        out += t[this.pos++]
        continue
      }
      if (c === '(') {
        if (depth++ === 0) continue
      } else if (c === ')') {
        if (--depth === 0) return out
      }
      out += c
    }
    return out
  }

  /** A MIME token (may be empty). */
  token(): string {
    return this.run(TOKEN_STOP)
  }

  /** An atom (may be empty); with `dots`, '.' continues it (obs-phrase, dot-atom). */
  atom(dots = false): string {
    const t = this.text
    const start = this.pos
    while (this.pos < t.length) {
      const code = t.charCodeAt(this.pos)
      if (code < 256 && ATOM_STOP[code] === 1 && !(dots && code === 0x2e)) break
      this.pos++
    }
    return t.slice(start, this.pos)
  }

  /** The content of a quoted string at the cursor (which is at the opening quote), unescaped. */
  quoted(): string {
    const t = this.text
    this.pos++
    let out = ''
    while (this.pos < t.length) {
      const c = t[this.pos++] as string
      if (c === '"') return out
      if (c === '\\' && this.pos < t.length) out += t[this.pos++]
      else if (c !== '\r' && c !== '\n') out += c
    }
    return out
  }

  /** A domain literal `[...]` at the cursor, kept with its brackets. */
  domainLiteral(): string {
    const t = this.text
    const start = this.pos
    const close = t.indexOf(']', start)
    this.pos = close < 0 ? t.length : close + 1
    return t.slice(start, this.pos).replace(/[\r\n]/g, '')
  }

  /** Consume `c` when it is next. */
  eat(c: string): boolean {
    if (this.text[this.pos] !== c) return false
    this.pos++
    return true
  }

  /** Move past the next `c` that is not inside a quoted string (true), or to the end (false). */
  skipPast(c: string): boolean {
    const t = this.text
    while (this.pos < t.length) {
      const ch = t[this.pos]
      if (ch === '"') this.quoted()
      else {
        this.pos++
        if (ch === c) return true
      }
    }
    return false
  }

  private run(stop: Uint8Array): string {
    const t = this.text
    const start = this.pos
    while (this.pos < t.length) {
      const code = t.charCodeAt(this.pos)
      if (code < 256 && stop[code] === 1) break
      this.pos++
    }
    return t.slice(start, this.pos)
  }
}
