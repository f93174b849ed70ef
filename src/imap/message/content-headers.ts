// The Content-* fields of a MIME part (RFC 2045 §5-§8, RFC 2183, RFC 3282, RFC 2557, RFC 1864)
// reduced to what BODYSTRUCTURE reports. A field that does not parse counts as absent, which
// for Content-Type means the RFC 2045 §5.2 default (text/plain; charset=us-ascii).
import { type MimeParam, readParams } from './content-params.ts'
import { fieldValue, type HeaderField } from './header-fields.ts'
import { headerText } from './header-text.ts'
import { StructuredLexer } from './structured-lexer.ts'

export interface ContentType {
  type: string
  subtype: string
  params: MimeParam[]
}

export interface ContentDisposition {
  type: string
  params: MimeParam[]
}

export interface ContentFields {
  contentType: ContentType | null
  encoding: string | null
  id: string | null
  description: string | null
  md5: string | null
  disposition: ContentDisposition | null
  language: string[] | null
  location: string | null
}

/** `type "/" subtype *(";" parameter)`; null when there is no type/subtype pair. */
export function parseContentType(binary: string): ContentType | null {
  const lex = new StructuredLexer(binary)
  lex.skipCfws()
  const type = lex.token()
  lex.skipCfws()
  if (type === '' || !lex.eat('/')) return null
  lex.skipCfws()
  const subtype = lex.token()
  if (subtype === '') return null
  return { type: headerText(type), subtype: headerText(subtype), params: readParams(lex) }
}

/** One token and nothing else (RFC 2045 §6.1); Dovecot also rejects `?invalid`. */
export function parseTransferEncoding(binary: string): string | null {
  const lex = new StructuredLexer(binary)
  lex.skipCfws()
  const token = lex.token()
  lex.skipCfws()
  return token !== '' && lex.done ? headerText(token) : null
}

/** `disposition-type *(";" disposition-parm)` (RFC 2183 §2). */
export function parseDisposition(binary: string): ContentDisposition | null {
  const lex = new StructuredLexer(binary)
  lex.skipCfws()
  const type = lex.token()
  if (type === '') return null
  return { type: headerText(type), params: readParams(lex) }
}

/** `1#Language-tag` (RFC 3282 §2); null when there is none. */
export function parseLanguage(binary: string): string[] | null {
  const lex = new StructuredLexer(binary)
  const tags: string[] = []
  for (;;) {
    lex.skipCfws()
    const tag = lex.atom()
    if (tag === '') break
    tags.push(headerText(tag))
    lex.skipCfws()
    if (!lex.eat(',')) break
  }
  return tags.length === 0 ? null : tags
}

/**
 * The Content-* fields among `fields`. The first occurrence of each counts (Dovecot does the
 * same); MIME-Version is not required, as in Dovecot's default non-strict mode, because too many
 * senders leave it out.
 */
export function readContentFields(bytes: Uint8Array, fields: readonly HeaderField[]): ContentFields {
  const out: ContentFields = {
    contentType: null,
    encoding: null,
    id: null,
    description: null,
    md5: null,
    disposition: null,
    language: null,
    location: null,
  }
  const seen = new Set<string>()
  for (const field of fields) {
    const name = field.name.toLowerCase()
    if (!name.startsWith('content-') || seen.has(name)) continue
    seen.add(name)
    const value = fieldValue(bytes, field)
    switch (name) {
      case 'content-type':
        out.contentType = parseContentType(value)
        break
      case 'content-transfer-encoding':
        out.encoding = parseTransferEncoding(value)
        break
      case 'content-id':
        out.id = headerText(value)
        break
      case 'content-description':
        out.description = headerText(value)
        break
      case 'content-md5':
        out.md5 = headerText(value)
        break
      case 'content-disposition':
        out.disposition = parseDisposition(value)
        break
      case 'content-language':
        out.language = parseLanguage(value)
        break
      case 'content-location':
        out.location = headerText(value)
        break
    }
  }
  return out
}
