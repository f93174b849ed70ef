// FETCH data items (RFC 9051 §6.4.5, BINARY RFC 3516 §4.2, MODSEQ RFC 7162 §3.1.4):
// `BODY.PEEK[1.2.HEADER.FIELDS.NOT (From To)]<0.100>`, `BINARY[2]<10.20>`, `BINARY.SIZE[1]`,
// and the macros ALL, FAST and FULL, which stand alone only.
import { isDigit } from './char-classes.ts'
import { formatAstring } from './serializer.ts'
import type { ImapTokenizer } from './tokenizer.ts'

export const FETCH_ITEM_NAMES = [
  'ENVELOPE',
  'FLAGS',
  'INTERNALDATE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.SIZE',
  'RFC822.TEXT',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'MODSEQ',
] as const
export type FetchItemName = (typeof FETCH_ITEM_NAMES)[number]

export type SectionText =
  | { type: 'header' }
  | { type: 'header-fields'; not: boolean; fields: string[] }
  | { type: 'text' }
  /** Only after a part number: the MIME header of that part. */
  | { type: 'mime' }

export interface BodySection {
  /** `1.2` → [1, 2]; empty for the whole message. */
  part: number[]
  text: SectionText | null
}

/** `<offset.length>`: length is at least 1. */
export interface FetchPartial {
  offset: number
  length: number
}

export type FetchAttribute =
  | { type: 'item'; name: FetchItemName }
  | { type: 'body-section'; peek: boolean; section: BodySection; partial: FetchPartial | null }
  | { type: 'binary'; peek: boolean; part: number[]; partial: FetchPartial | null }
  | { type: 'binary-size'; part: number[] }

const item = (name: FetchItemName): FetchAttribute => ({ type: 'item', name })

/** RFC 9051 §6.4.5 macros. */
export const FETCH_MACROS: Record<'ALL' | 'FAST' | 'FULL', FetchAttribute[]> = {
  ALL: [item('FLAGS'), item('INTERNALDATE'), item('RFC822.SIZE'), item('ENVELOPE')],
  FAST: [item('FLAGS'), item('INTERNALDATE'), item('RFC822.SIZE')],
  FULL: [item('FLAGS'), item('INTERNALDATE'), item('RFC822.SIZE'), item('ENVELOPE'), item('BODY')],
}

const OPEN_PAREN = 0x28
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const DOT = 0x2e
const LESS = 0x3c
const GREATER = 0x3e

const NAME_CHAR = new Uint8Array(256)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.') NAME_CHAR[c.charCodeAt(0)] = 1
const SECTION_WORD_CHAR = new Uint8Array(256)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.') SECTION_WORD_CHAR[c.charCodeAt(0)] = 1

/** RFC 5322 §3.6.8: field-name = 1*ftext, printable US-ASCII except ":". */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/

/** The items after `FETCH <set> `: a macro, one item, or a parenthesised list of items. */
export function readFetchAttributes(t: ImapTokenizer): FetchAttribute[] {
  if (t.peek() === OPEN_PAREN) return t.list('fetch attribute list', () => readFetchAttribute(t))
  for (const macro of ['ALL', 'FAST', 'FULL'] as const) {
    if (t.consumeKeyword(macro)) return FETCH_MACROS[macro].map(a => ({ ...a }))
  }
  return [readFetchAttribute(t)]
}

export function readFetchAttribute(t: ImapTokenizer): FetchAttribute {
  const name = t.atom('fetch attribute', NAME_CHAR).toUpperCase()
  const hasSection = t.peek() === OPEN_BRACKET
  switch (name) {
    case 'BODY':
      if (!hasSection) return item('BODY')
      return readBodySection(t, false)
    case 'BODY.PEEK':
      if (!hasSection) t.fail('BODY.PEEK needs a section, e.g. BODY.PEEK[]')
      return readBodySection(t, true)
    case 'BINARY':
    case 'BINARY.PEEK': {
      if (!hasSection) t.fail(`${name} needs a section, e.g. ${name}[1]`)
      const part = readBinarySection(t)
      return { type: 'binary', peek: name === 'BINARY.PEEK', part, partial: readPartial(t) }
    }
    case 'BINARY.SIZE':
      if (!hasSection) t.fail('BINARY.SIZE needs a section, e.g. BINARY.SIZE[1]')
      return { type: 'binary-size', part: readBinarySection(t) }
    case 'ALL':
    case 'FAST':
    case 'FULL':
      t.fail(`${name} is a macro and cannot be combined with other fetch attributes`)
  }
  if (hasSection) t.fail(`Fetch attribute ${name} takes no section`)
  if (!(FETCH_ITEM_NAMES as readonly string[]).includes(name)) t.fail(`Unknown fetch attribute ${name}`)
  return item(name as FetchItemName)
}

function readBodySection(t: ImapTokenizer, peek: boolean): FetchAttribute {
  t.expect(OPEN_BRACKET, 'Expected "["')
  // section-spec = section-msgtext / (section-part ["." section-text])
  const part: number[] = []
  let text: SectionText | null = null
  if (isDigit(t.peek())) {
    for (;;) {
      part.push(t.number('section part number', { nonZero: true }))
      if (!t.consume(DOT)) break
      if (!isDigit(t.peek())) {
        text = readSectionText(t, true)
        break
      }
    }
  } else if (t.peek() !== CLOSE_BRACKET) text = readSectionText(t, false)
  t.expect(CLOSE_BRACKET, `Expected "]" to close the section, got ${t.describeNext()}`)
  return { type: 'body-section', peek, section: { part, text }, partial: readPartial(t) }
}

function readSectionText(t: ImapTokenizer, afterPart: boolean): SectionText {
  const word = t.atom('section text', SECTION_WORD_CHAR).toUpperCase()
  switch (word) {
    case 'HEADER':
      return { type: 'header' }
    case 'TEXT':
      return { type: 'text' }
    case 'MIME':
      if (!afterPart) t.fail('Invalid section: MIME needs a part number, e.g. 1.MIME')
      return { type: 'mime' }
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      t.space('header field list')
      const fields = t.list('header field list', () => {
        const field = t.astring('header field name')
        if (!FIELD_NAME.test(field)) t.fail(`Invalid header field name "${field}"`)
        return field
      })
      return { type: 'header-fields', not: word === 'HEADER.FIELDS.NOT', fields }
    }
  }
  t.fail(`Invalid section "${word}"`)
}

/** section-binary = "[" [section-part] "]" */
function readBinarySection(t: ImapTokenizer): number[] {
  t.expect(OPEN_BRACKET, 'Expected "["')
  const part: number[] = []
  if (t.peek() !== CLOSE_BRACKET) {
    part.push(t.number('section part number', { nonZero: true }))
    while (t.consume(DOT)) part.push(t.number('section part number', { nonZero: true }))
  }
  t.expect(CLOSE_BRACKET, `Expected "]" to close the binary section, got ${t.describeNext()}`)
  return part
}

/** partial = "<" number64 "." nz-number64 ">" */
function readPartial(t: ImapTokenizer): FetchPartial | null {
  if (!t.consume(LESS)) return null
  const offset = t.number('partial offset', { wide: true })
  t.expect(DOT, 'Invalid partial: expected <offset.length>')
  const length = t.number('partial length', { wide: true, nonZero: true })
  t.expect(GREATER, 'Invalid partial: expected ">"')
  return { offset, length }
}

/** `1.2.HEADER.FIELDS (From To)`: the text between the brackets. */
export function formatSection(section: BodySection): string {
  const part = section.part.join('.')
  const text = section.text
  if (text === null) return part
  const prefix = part === '' ? '' : `${part}.`
  switch (text.type) {
    case 'header':
      return `${prefix}HEADER`
    case 'text':
      return `${prefix}TEXT`
    case 'mime':
      return `${prefix}MIME`
    case 'header-fields':
      return `${prefix}HEADER.FIELDS${text.not ? '.NOT' : ''} (${text.fields.map(field => formatAstring(field)).join(' ')})`
  }
}

/**
 * The name a FETCH response uses for the item (RFC 9051 §7.5.2): `BODY[1.2]<0>` — never
 * `.PEEK`, and a partial shows only its origin octet.
 */
export function formatFetchItemName(attribute: FetchAttribute): string {
  switch (attribute.type) {
    case 'item':
      return attribute.name
    case 'body-section':
      return `BODY[${formatSection(attribute.section)}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`
    case 'binary':
      return `BINARY[${attribute.part.join('.')}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`
    case 'binary-size':
      return `BINARY.SIZE[${attribute.part.join('.')}]`
  }
}

/** Whether fetching the attribute sets \Seen (RFC 9051 §6.4.5: BODY[...] and BINARY[...] without .PEEK, RFC822, RFC822.TEXT). */
export function fetchSetsSeen(attribute: FetchAttribute): boolean {
  if (attribute.type === 'item') return attribute.name === 'RFC822' || attribute.name === 'RFC822.TEXT'
  return (attribute.type === 'body-section' || attribute.type === 'binary') && !attribute.peek
}
