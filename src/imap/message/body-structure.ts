// BODYSTRUCTURE and BODY (RFC 9051 §7.5.2 and the `body` grammar in §9) from a cached MIME tree,
// so FETCH never reopens the message file for them. Values go out as the message sent them
// (case kept, like Dovecot); defaults are lower case: "text" "plain", ("charset" "us-ascii") for
// any text part without a charset (RFC 2045 §5.2), "7bit" without a Content-Transfer-Encoding.
//
//   body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
//   body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
//
// BODY is the same without the extension data (RFC 9051 §6.4.5).
import type { MimeParam } from './content-params.ts'
import { EMPTY_ENVELOPE, formatEnvelope } from './envelope.ts'
import { type ImapTextOptions, nstring, stringList } from './imap-text.ts'
import type { MimePart } from './mime-tree.ts'

export interface BodyStructureOptions extends ImapTextOptions {
  /** true for BODYSTRUCTURE (extension data included), false for BODY. */
  extended: boolean
}

/** The body structure as IMAP text, with its outer parentheses. */
export function formatBodyStructure(part: MimePart, options: BodyStructureOptions): string {
  if (part.children !== undefined) return formatMultipart(part, part.children, options)
  const text = part.type.toLowerCase() === 'text'
  const params =
    text && !part.params.some(([name]) => name.toLowerCase() === 'charset')
      ? [...part.params, ['charset', 'us-ascii'] as MimeParam]
      : part.params
  // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
  const fields = [
    nstring(part.type, options),
    nstring(part.subtype, options),
    formatParams(params, options),
    nstring(part.id, options),
    nstring(part.description, options),
    nstring(part.encoding ?? '7bit', options),
    String(part.end - part.bodyStart),
  ]
  if (part.message !== undefined) {
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
    fields.push(
      formatEnvelope(part.message.envelope ?? EMPTY_ENVELOPE, options),
      formatBodyStructure(part.message, options),
      String(part.lines ?? 0),
    )
  } else if (text) fields.push(String(part.lines ?? 0))
  if (options.extended) {
    // body-ext-1part = body-fld-md5 SP body-fld-dsp SP body-fld-lang SP body-fld-loc
    fields.push(
      nstring(part.md5, options),
      formatDisposition(part, options),
      stringList(part.language, options),
      nstring(part.location, options),
    )
  }
  return `(${fields.join(' ')})`
}

function formatMultipart(part: MimePart, children: readonly MimePart[], options: BodyStructureOptions): string {
  // 1*body: the body parts back to back, no SP between them.
  let out = `(${children.map(child => formatBodyStructure(child, options)).join('')} ${nstring(part.subtype, options)}`
  if (options.extended) {
    // body-ext-mpart = body-fld-param SP body-fld-dsp SP body-fld-lang SP body-fld-loc
    out += ` ${formatParams(part.params, options)} ${formatDisposition(part, options)} ${stringList(part.language, options)} ${nstring(part.location, options)}`
  }
  return `${out})`
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function formatParams(params: readonly MimeParam[], options: ImapTextOptions): string {
  if (params.length === 0) return 'NIL'
  return `(${params.map(([name, value]) => `${nstring(name, options)} ${nstring(value, options)}`).join(' ')})`
}

/** body-fld-dsp = "(" string SP body-fld-param ")" / nil */
function formatDisposition(part: MimePart, options: ImapTextOptions): string {
  if (part.disposition === undefined) return 'NIL'
  return `(${nstring(part.disposition.type, options)} ${formatParams(part.disposition.params, options)})`
}
