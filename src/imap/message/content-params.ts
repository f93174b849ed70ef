// MIME parameters (RFC 2045 §5.1) with RFC 2231 continuations and charset/language, as they go
// into BODYSTRUCTURE: `name*0="a"; name*1="b"` merge to `name "ab"`, and `name*=utf-8''%E2%82%AC`
// is decoded and sent as an RFC 2047 encoded-word when it is not ASCII (Dovecot sends the
// merged but still encoded `name*` form; Gmail and wildduck decode — far more clients read
// encoded-words in BODYSTRUCTURE than RFC 2231). Parameter names keep the case they were sent in.
import { decodeCharset, encodeWords } from './encoded-words.ts'
import { binaryBytes, headerText } from './header-text.ts'
import type { StructuredLexer } from './structured-lexer.ts'

/** [name, value] in wire form (display text; an RFC 2231 value decoded, see above). */
export type MimeParam = [string, string]

interface RawParam {
  name: string
  value: string
}

/** Read `*(";" attribute "=" value)` from the lexer to the end, skipping what does not parse. */
export function readParams(lex: StructuredLexer): MimeParam[] {
  const raw: RawParam[] = []
  for (;;) {
    lex.skipCfws()
    if (lex.done) break
    // Garbage between parameters: resynchronise at the next ";" (as Dovecot does).
    if (!lex.eat(';') && !lex.skipPast(';')) break
    lex.skipCfws()
    const name = lex.token()
    lex.skipCfws()
    if (name === '' || !lex.eat('=')) continue
    lex.skipCfws()
    raw.push({ name, value: readValue(lex) })
  }
  return mergeRfc2231(raw)
}

function readValue(lex: StructuredLexer): string {
  if (lex.peek() === '"') return lex.quoted()
  // Broken senders write `name==?utf-8?B?...?=` or unquoted tspecials (`name=a/b.pdf`): take
  // everything up to WSP, "(" or ";" rather than stopping at the first tspecial.
  const text = lex.text
  const start = lex.pos
  while (lex.pos < text.length && !/[;\s(]/.test(text[lex.pos] as string)) lex.pos++
  return text.slice(start, lex.pos)
}

interface Section {
  index: number
  extended: boolean
  value: string
}

type Entry =
  | { kind: 'plain'; key: string; param: MimeParam }
  | { kind: 'sections'; key: string; base: string; sections: Section[] }

const APOSTROPHE = '\u0027'

/** `name*`, `name*0`, `name*0*`: base name, section number, extended flag. */
const SECTION_NAME = /^(.+?)\*(?:(\d{1,3})(\*)?)?$/

/** RFC 2231 §3-§4: merge `name*N[*]` sections and decode `charset'language'%XX` values. */
function mergeRfc2231(raw: readonly RawParam[]): MimeParam[] {
  const entries: Entry[] = []
  const groups = new Map<string, Extract<Entry, { kind: 'sections' }>>()
  for (const { name, value } of raw) {
    const m = SECTION_NAME.exec(name)
    if (m === null) {
      entries.push({ kind: 'plain', key: name.toLowerCase(), param: [name, headerText(value)] })
      continue
    }
    const base = m[1] as string
    const key = base.toLowerCase()
    const section: Section =
      m[2] === undefined ? { index: 0, extended: true, value } : { index: Number(m[2]), extended: m[3] === '*', value }
    let group = groups.get(key)
    if (group === undefined) {
      group = { kind: 'sections', key, base, sections: [] }
      groups.set(key, group)
      entries.push(group)
    }
    group.sections.push(section)
  }
  if (groups.size === 0) return entries.map(e => (e as Extract<Entry, { kind: 'plain' }>).param)
  const merged = new Map<string, MimeParam[]>()
  for (const [key, group] of groups) merged.set(key, mergeSections(group.base, group.sections))
  const out: MimeParam[] = []
  for (const entry of entries) {
    if (entry.kind === 'sections') out.push(...(merged.get(entry.key) ?? []))
    // A plain parameter next to an RFC 2231 one of the same name (`filename="x"; filename*=...`,
    // sent for old readers) is dropped: the extended value is the precise one.
    else if (!supersedes(merged.get(entry.key), groups.get(entry.key)?.base)) out.push(entry.param)
  }
  return out
}

/** Whether merged RFC 2231 sections produced one parameter under the plain base name. */
function supersedes(merged: readonly MimeParam[] | undefined, base: string | undefined): boolean {
  return merged !== undefined && merged.length === 1 && merged[0]?.[0] === base
}

function mergeSections(base: string, sections: readonly Section[]): MimeParam[] {
  const sorted = [...sections].sort((a, b) => a.index - b.index)
  if (!sorted.every((s, i) => s.index === i)) {
    // Missing or duplicate sections: not RFC 2231 after all; keep them as sent (Dovecot does too).
    return sorted.map(s => [`${base}*${s.index}${s.extended ? '*' : ''}`, headerText(s.value)])
  }
  if (!sorted.some(s => s.extended)) return [[base, headerText(sorted.map(s => s.value).join(''))]]
  let charset = ''
  let octets = ''
  sorted.forEach((s, i) => {
    let value = s.value
    if (i === 0 && s.extended) {
      // extended-initial-value := [charset] "'" [language] "'" extended-other-values
      const first = value.indexOf(APOSTROPHE)
      const second = first < 0 ? -1 : value.indexOf(APOSTROPHE, first + 1)
      if (second >= 0) {
        charset = value.slice(0, first)
        value = value.slice(second + 1)
      }
    }
    octets += s.extended ? percentDecode(value) : value
  })
  const text = decodeCharset(binaryBytes(octets), charset)
  // Unknown charset: keep the merged, still encoded form, as Dovecot sends it.
  if (text === null) return [[`${base}*`, headerText(sorted.map(s => s.value).join(''))]]
  return [[base, /^[\x00-\x7f]*$/.test(text) ? text : encodeWords(text)]]
}

function percentDecode(value: string): string {
  return value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}
