// Everything FETCH needs that can be computed once at delivery (RFC 9051 §6.4.5): the MIME tree
// (BODYSTRUCTURE, BODY, section offsets), the ENVELOPE and RFC822.SIZE, plus the References field
// THREAD=REFERENCES needs (RFC 5256 §2.2; the ENVELOPE has Message-ID and In-Reply-To but not it).
// The result is plain JSON and goes into `messages.bodystructure_json`; a row with another version
// is simply re-analysed.
import { type ImapEnvelope, readEnvelope } from './envelope.ts'
import { fieldValue, findField, readHeaderFields } from './header-fields.ts'
import { headerText } from './header-text.ts'
import { type MimePart, parseMimeTree } from './mime-tree.ts'

/** Bump when the shape or the parsing rules change, so cached rows get re-analysed. */
export const MESSAGE_ANALYSIS_VERSION = 2

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

/** The cache column's text. */
export function encodeAnalysis(analysis: MessageAnalysis): string {
  return JSON.stringify(analysis)
}

/** A cached analysis, or null when the column is empty, unreadable or of another version. */
export function decodeAnalysis(json: string | null | undefined): MessageAnalysis | null {
  if (json === null || json === undefined || json === '') return null
  let value: unknown
  try {
    value = JSON.parse(json)
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
