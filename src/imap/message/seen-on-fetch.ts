// RFC 9051 §6.4.5: BODY[...] and BINARY[...] without .PEEK, RFC822 and RFC822.TEXT set \Seen,
// and the FETCH response then carries FLAGS even when they were not asked for. Nothing changes
// in a read-only (EXAMINE) mailbox, and nothing when the message is already \Seen.
import { type FetchAttribute, fetchSetsSeen } from '../protocol/fetch-attributes.ts'

export interface SeenDecision {
  /** Store \Seen on the message (and bump its MODSEQ). */
  setSeen: boolean
  /** Add FLAGS to the FETCH response because \Seen changed and FLAGS was not requested. */
  addFlagsItem: boolean
}

export function seenOnFetch(
  attributes: readonly FetchAttribute[],
  state: { readOnly: boolean; alreadySeen: boolean },
): SeenDecision {
  const setSeen = !state.readOnly && !state.alreadySeen && attributes.some(fetchSetsSeen)
  const flagsRequested = attributes.some(a => a.type === 'item' && a.name === 'FLAGS')
  return { setSeen, addFlagsItem: setSeen && !flagsRequested }
}
