// The IMAP message model: analyse a message once at delivery (MIME tree, ENVELOPE, size), cache
// the result as JSON, and answer FETCH items from it plus the stored octets.
export {
  type MessageAnalysis,
  MESSAGE_ANALYSIS_VERSION,
  analyzeMessage,
  cachedEnvelopeText,
  decodeAnalysis,
  encodeAnalysis,
} from './analyze-message.ts'
export { type ImapAddress, MISSING_DOMAIN, MISSING_MAILBOX } from './address-list.ts'
export { type BodyStructureOptions, formatBodyStructure } from './body-structure.ts'
export type { MimeParam } from './content-params.ts'
export { formatEnvelope, type ImapEnvelope } from './envelope.ts'
export { bodyStructureValue, bodyValue, envelopeValue } from './fetch-values.ts'
export type { ImapTextOptions } from './imap-text.ts'
export { isValidKeyword, mailboxFlags, PERMANENT_SYSTEM_FLAGS, permanentFlags } from './mailbox-flags.ts'
export { type MimePart, isMessagePart, isMultipart, parseMimeTree } from './mime-tree.ts'
export { partFilename } from './part-filename.ts'
export {
  applyPartial,
  type BinarySectionResult,
  binarySectionSize,
  extractBinarySection,
  extractBodySection,
  selectHeaderFields,
  findPart,
} from './section.ts'
export { type SeenDecision, seenOnFetch } from './seen-on-fetch.ts'
