// A message's stored octets and its analysis (MIME tree, ENVELOPE, size) for FETCH and SEARCH.
// The analysis is cached in messages.bodystructure_json at delivery; a row without one (or with an
// older version) is analysed from the file here and the cache filled in.
import type { MessageRecord, Storage } from '../../storage/index.ts'
import { type MessageAnalysis, analyzeMessage, decodeAnalysis, encodeAnalysis } from '../message/index.ts'

export interface LoadedMessage {
  analysis: MessageAnalysis
  /** The stored octets; only when asked for or needed for the analysis. */
  bytes: Uint8Array | null
}

/** null when the message file is gone. */
export async function loadMessageAnalysis(
  storage: Storage,
  record: MessageRecord,
  options: { needBytes: boolean },
): Promise<LoadedMessage | null> {
  const cached = decodeAnalysis(record.bodyStructureJson)
  if (cached !== null && !options.needBytes) return { analysis: cached, bytes: null }
  const bytes = await storage.messages.readBytes(record.mailboxId, record.uid)
  if (bytes === null) return null
  if (cached !== null) return { analysis: cached, bytes }
  const analysis = analyzeMessage(bytes)
  await storage.messages.setBodyStructure(record.mailboxId, record.uid, encodeAnalysis(analysis))
  return { analysis, bytes }
}
