// Everything FETCH needs that can be computed once at delivery (RFC 9051 §6.4.5): the MIME tree
// (BODYSTRUCTURE, BODY, section offsets), the ENVELOPE and RFC822.SIZE, plus the References field
// THREAD=REFERENCES needs (RFC 5256 §2.2; the ENVELOPE has Message-ID and In-Reply-To but not it).
// The result is plain JSON and goes into `messages.bodystructure_json`; a row with another version
// is simply re-analysed.
import { type ImapEnvelope, formatEnvelope, readEnvelope } from './envelope.ts'
import { fieldValue, findField, readHeaderFields } from './header-fields.ts'
import { headerText } from './header-text.ts'
import { type MimePart, parseMimeTree } from './mime-tree.ts'

/** Bump when the shape or the parsing rules change, so cached rows get re-analysed (3: the ENVELOPE text ahead of the JSON). */
export const MESSAGE_ANALYSIS_VERSION = 3

export interface MessageAnalysis {
  v: typeof MESSAGE_ANALYSIS_VERSION
  /** RFC822.SIZE: the octets of the stored message, exactly what BODY[] returns. */
  size: number
  envelope: ImapEnvelope
  /** The root part: the message itself. */
  tree: MimePart
  /** The References field, unfolded, or null (RFC 5322 §3.6.4). */
  references: string | null
}

export function analyzeMessage(bytes: Uint8Array): MessageAnalysis {
  const tree = parseMimeTree(bytes)
  const fields = readHeaderFields(bytes, tree.start, tree.bodyStart)
  const envelope = readEnvelope(bytes, fields)
  const referencesField = findField(fields, 'References')
  const references = referencesField === undefined ? null : headerText(fieldValue(bytes, referencesField))
  return { v: MESSAGE_ANALYSIS_VERSION, size: bytes.length, envelope, tree, references }
}

/** Wire text that reads the same with and without UTF8=ACCEPT: printable 7-bit, so no literal either. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/**
 * The cache column's text: the analysis as JSON, preceded by the ENVELOPE as FETCH writes it when
 * that text is the same with and without UTF8=ACCEPT (nearly always: header fields are 7-bit and
 * ENVELOPE leaves encoded-words as they are). `E<length>:<envelope><json>`. FETCH of ENVELOPE
 * without the MIME tree then takes the text as it is (cachedEnvelopeText) instead of parsing the
 * JSON and formatting the envelope again for every message of every FETCH.
 */
export function encodeAnalysis(analysis: MessageAnalysis): string {
  const json = JSON.stringify(analysis)
  const envelope = formatEnvelope(analysis.envelope, { utf8: false })
  return PRINTABLE_ASCII.test(envelope) ? `E${envelope.length}:${envelope}${json}` : json
}

/** The parts of a cache column: the ENVELOPE text (or null) and the JSON; null when malformed. */
function splitColumn(column: string): { envelope: string | null; json: string } | null {
  // A column without the envelope (or written before it was added) is the JSON alone.
  if (column.charCodeAt(0) !== 0x45) return { envelope: null, json: column }
  const colon = column.indexOf(':')
  const length = colon > 1 ? Number(column.slice(1, colon)) : Number.NaN
  if (!Number.isSafeInteger(length) || length < 0 || colon + 1 + length > column.length) return null
  return { envelope: column.slice(colon + 1, colon + 1 + length), json: column.slice(colon + 1 + length) }
}

/**
 * The ENVELOPE text of a cache column written by this version of the analysis, or null (no
 * column, no text in it, another version: the caller decodes or re-analyses).
 */
export function cachedEnvelopeText(column: string | null | undefined): string | null {
  if (column === null || column === undefined || column.charCodeAt(0) !== 0x45) return null
  const parts = splitColumn(column)
  // JSON.stringify writes `v` first (encodeAnalysis): the version is checked without parsing.
  if (parts === null || !parts.json.startsWith(`{"v":${MESSAGE_ANALYSIS_VERSION},`)) return null
  return parts.envelope
}

/** A cached analysis, or null when the column is empty, unreadable or of another version. */
export function decodeAnalysis(column: string | null | undefined): MessageAnalysis | null {
  if (column === null || column === undefined || column === '') return null
  const parts = splitColumn(column)
  if (parts === null) return null
  let value: unknown
  try {
    value = JSON.parse(parts.json)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const candidate = value as Partial<MessageAnalysis>
  if (candidate.v !== MESSAGE_ANALYSIS_VERSION || typeof candidate.size !== 'number') return null
  if (typeof candidate.tree !== 'object' || candidate.tree === null || typeof candidate.envelope !== 'object') {
    return null
  }
  return candidate as MessageAnalysis
}
